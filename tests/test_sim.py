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
