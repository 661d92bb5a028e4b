from engine.sim import Environment


def test_processes_interleave_in_time_order():
    env = Environment()
    log = []

    def worker(name, delays):
        for delay in delays:
            yield delay
            log.append((env.now, name))

    env.process(worker("a", [1, 2]))
    env.process(worker("b", [2, 2]))
    env.run_until(10)
    assert log == [(1, "a"), (2, "b"), (3, "a"), (4, "b")]
    assert env.now == 10


def test_a_process_waits_for_an_event_and_another_process():
    env = Environment()
    ready = env.event()

    def child():
        yield 5
        return "done"

    def parent():
        value = yield ready
        result = yield env.process(child())
        return (value, result, env.now)

    proc = env.process(parent())
    env.schedule(2, lambda: ready.succeed("go"))
    assert env.run_process(proc, limit=100)
    assert proc.value == ("go", "done", 7)


def test_background_work_does_not_keep_the_environment_busy():
    env = Environment()
    ticks = []

    def heartbeat():
        while True:
            yield 10
            ticks.append(env.now)

    def job():
        yield 25

    env.process(heartbeat(), background=True)
    env.process(job())
    assert env.run_until_idle(limit=1000)
    assert env.now == 25
    assert ticks == [10, 20]


def test_run_until_idle_gives_up_at_the_cap():
    env = Environment()

    def forever():
        while True:
            yield 1

    env.process(forever())
    assert not env.run_until_idle(limit=30)
    assert env.now == 30


def test_idle_callbacks_fire_once_when_work_runs_out():
    env = Environment()
    seen = []

    def job():
        yield 3

    env.process(job())
    env.on_idle(lambda: seen.append(env.now))
    env.run_until(10)
    assert seen == [3]


# ---- stopping a process ------------------------------------------------------------------------


def test_a_stopped_sleeper_never_runs_again_and_leaves_nothing_busy():
    env = Environment()
    log = []

    def sleeper():
        try:
            yield 30
            log.append("woke")
        finally:
            log.append("closed")

    proc = env.process(sleeper())
    env.run_until(1)
    proc.stop()
    assert log == ["closed"] and proc.triggered and proc.value is None
    assert not env.busy  # its 30 s timer no longer counts as work
    assert env.run_until_idle(limit=100) and env.now == 1
    env.run_until(100)
    assert log == ["closed"]


def test_a_stopped_process_is_not_woken_by_the_event_it_waited_on():
    env = Environment()
    ready = env.event()
    log = []

    def waiter():
        log.append((yield ready))

    def trigger():
        yield 5
        ready.succeed("go")

    proc = env.process(waiter())
    env.process(trigger())
    env.run_until(1)
    proc.stop()
    env.run_until(10)
    assert ready.triggered and log == []
    assert env.steps == 3  # the two starts and the trigger: no wake-up was queued for it


def test_a_process_stopped_after_its_event_fired_but_before_it_ran_does_not_run():
    env = Environment()
    ready = env.event()
    log = []

    def waiter():
        log.append((yield ready))

    proc = env.process(waiter())
    env.run_until(0)
    ready.succeed("go")  # its wake-up is queued for this instant
    assert env.busy
    proc.stop()
    assert not env.busy
    env.run_until(10)
    assert log == []


def test_stopping_a_process_that_joins_another_leaves_the_other_running():
    env = Environment()
    log = []

    def child():
        yield 5
        log.append("child done")
        return "result"

    def parent(kid):
        log.append((yield kid))

    kid = env.process(child())
    proc = env.process(parent(kid))

    def watcher():
        log.append(("parent ended", (yield proc), env.now))

    env.process(watcher())
    env.run_until(1)
    proc.stop()
    env.run_until(10)
    assert log == [("parent ended", None, 1), "child done"]
    assert kid.value == "result"


def test_a_process_stopped_before_its_first_step_never_starts():
    env = Environment()
    started = []

    def job():
        started.append(env.now)
        yield 1

    proc = env.process(job())
    proc.stop()
    assert not env.busy
    env.run_until(5)
    assert started == [] and proc.triggered


def test_a_process_that_stops_itself_ends_at_its_next_yield():
    env = Environment()
    log = []
    holder = []

    def job():
        holder[0].stop()
        log.append("after stop")
        yield 1
        log.append("never")

    holder.append(env.process(job()))
    env.run_until(5)
    assert log == ["after stop"] and holder[0].triggered
    assert not env.busy


def test_a_shielded_step_is_finished_and_the_process_ends_as_it_returns():
    env = Environment()
    log = []

    def request():  # an API request on its way
        log.append(("sent", env.now))
        yield 2
        log.append(("answered", env.now))
        return "response"

    def client():
        response = yield from env.shielded(
            request(), abandon=lambda r: log.append(("abandoned", r))
        )
        log.append(("used", response))
        yield 10

    proc = env.process(client())

    def watcher():
        yield proc
        log.append(("ended", env.now))

    env.process(watcher())
    env.run_until(1)
    proc.stop()
    assert not proc.triggered  # it ends when the answer comes
    env.run_until(20)
    assert log == [("sent", 0), ("answered", 2), ("abandoned", "response"), ("ended", 2)]
    assert not env.busy


def test_a_shielded_step_of_a_process_nobody_stops_is_plain():
    env = Environment()

    def step():
        yield 2
        return 7

    def client():
        value = yield from env.shielded(step())
        yield 1
        return value + 1

    proc = env.process(client())
    assert env.run_process(proc, limit=10) and proc.value == 8 and env.now == 3


def test_cancelled_callbacks_do_not_run_and_stop_counting_as_work():
    env = Environment()
    ran = []
    first = env.schedule(5, lambda: ran.append("first"))
    env.schedule(3, lambda: ran.append("second"), background=True)
    env.rebase()  # queued items stay the same objects: still cancellable
    env.cancel(first)
    env.cancel(first)  # twice: nothing more
    assert not env.busy
    env.run_until(10)
    assert ran == ["second"]
    done = env.schedule(1, lambda: ran.append("third"))
    env.run_until(20)
    env.cancel(done)  # it ran: too late, and the work count stays right
    later = env.schedule(1, lambda: None)
    assert env.busy
    env.cancel(later)
    assert not env.busy
