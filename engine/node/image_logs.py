"""What well-known images print when they start and stop, in each program's own log format.

Lines are modelled on the real images' output (the official Docker images' entrypoint scripts
and the servers' startup banners), with timestamps from virtual time so they are the same on
every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import timeutil
from engine.node.command import Line

if TYPE_CHECKING:
    from engine.node.behavior import Context
    from engine.node.registry import Image


def _at(ctx: Context, offset: float, fmt: str) -> str:
    return timeutil.to_datetime(ctx.started_at + offset).strftime(fmt)


# ---- nginx (docker-nginx entrypoint + nginx core's notices) ------------------------------------


def nginx_start(image: Image, ctx: Context, wrapped: bool) -> list[Line]:
    lines: list[Line] = []
    if wrapped:
        entry = "/docker-entrypoint.sh"
        for text in (
            f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
            f"{entry}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of "
            "/etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
            "/etc/nginx/conf.d/default.conf",
            f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            f"{entry}: Configuration complete; ready for start up",
        ):
            lines.append(Line(0.0, text))
    stamp = _at(ctx, 0.01, "%Y/%m/%d %H:%M:%S")
    notices = [
        'using the "epoll" event method',
        f"nginx/{image.version}",
        "built by gcc 12.2.0 (Debian 12.2.0-14) ",
        "OS: Linux 6.12.0-podlife",
        "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        "start worker processes",
    ]
    notices += [f"start worker process {29 + i}" for i in range(max(1, ctx.cpus))]
    lines += [Line(0.01, f"{stamp} [notice] 1#1: {text}", "stderr") for text in notices]
    return lines


def nginx_stop(ctx: Context) -> list[Line]:
    # Offsets are from the stop signal; the stamp is filled in by the runtime (see stamped()).
    return [
        Line(0.0, "{nginx} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down", "stderr"),
        Line(0.0, "{nginx} [notice] 29#29: gracefully shutting down", "stderr"),
        Line(0.0, "{nginx} [notice] 29#29: exiting", "stderr"),
        Line(0.0, "{nginx} [notice] 29#29: exit", "stderr"),
        Line(0.05, "{nginx} [notice] 1#1: signal 17 (SIGCHLD) received from 29", "stderr"),
        Line(0.05, "{nginx} [notice] 1#1: worker process 29 exited with code 0", "stderr"),
        Line(0.05, "{nginx} [notice] 1#1: exit", "stderr"),
    ]


def stamped(line: Line, when: float) -> Line:
    """Fill a stop line's time placeholder with the moment it is printed."""
    moment = timeutil.to_datetime(when)
    text = line.text.replace("{nginx}", moment.strftime("%Y/%m/%d %H:%M:%S"))
    text = text.replace("{redis}", moment.strftime("%d %b %Y %H:%M:%S.") + f"{_ms(when):03d}")
    text = text.replace("{pg}", moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{_ms(when):03d} UTC")
    text = text.replace("{mysql}", moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    text = text.replace("{httpd}", moment.strftime("%a %b %d %H:%M:%S.%f %Y"))
    return Line(line.at, text, line.stream)


def _ms(when: float) -> int:
    return round(when * 1000) % 1000


# ---- httpd ------------------------------------------------------------------------------------


def httpd_start(image: Image, ctx: Context) -> list[Line]:
    fqdn = (
        "AH00558: httpd: Could not reliably determine the server's fully qualified domain "
        f"name, using {ctx.pod_ip}. Set the 'ServerName' directive globally to suppress this "
        "message"
    )
    stamp = _at(ctx, 0.02, "%a %b %d %H:%M:%S.%f %Y")
    return [
        Line(0.01, fqdn, "stderr"),
        Line(0.01, fqdn, "stderr"),
        Line(
            0.02,
            f"[{stamp}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{image.version} (Unix) "
            "configured -- resuming normal operations",
            "stderr",
        ),
        Line(
            0.02,
            f"[{stamp}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'",
            "stderr",
        ),
    ]


def httpd_stop(ctx: Context) -> list[Line]:
    return [
        Line(
            0.0,
            "[{httpd}] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, "
            "shutting down gracefully",
            "stderr",
        )
    ]


# ---- redis ------------------------------------------------------------------------------------


def redis_start(image: Image, ctx: Context, port: int) -> list[Line]:
    def stamp(offset: float, role: str) -> str:
        when = ctx.started_at + offset
        text = timeutil.to_datetime(when).strftime("%d %b %Y %H:%M:%S.")
        return f"1:{role} {text}{_ms(when):03d}"

    c, m = stamp(0.001, "C"), stamp(0.002, "M")
    return [
        Line(0.001, f"{c} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
        Line(
            0.001,
            f"{c} * Redis version={image.version}, bits=64, commit=00000000, modified=0, pid=1, "
            "just started",
        ),
        Line(
            0.001,
            f"{c} # Warning: no config file specified, using the default config. In order to "
            "specify a config file use redis-server /path/to/redis.conf",
        ),
        Line(0.002, f"{m} * monotonic clock: POSIX clock_gettime"),
        Line(0.002, f"{m} * Running mode=standalone, port={port}."),
        Line(0.002, f"{m} * Server initialized"),
        Line(0.002, f"{m} * Ready to accept connections tcp"),
    ]


def redis_stop(ctx: Context) -> list[Line]:
    return [
        Line(0.0, "1:signal-handler ({redis}) Received SIGTERM scheduling shutdown..."),
        Line(0.05, "1:M {redis} * User requested shutdown..."),
        Line(0.05, "1:M {redis} * Saving the final RDB snapshot before exiting."),
        Line(0.08, "1:M {redis} * DB saved on disk"),
        Line(0.08, "1:M {redis} # Redis is now ready to exit, bye bye..."),
    ]


# ---- postgres ---------------------------------------------------------------------------------


def postgres_no_password() -> list[Line]:
    text = [
        "Error: Database is uninitialized and superuser password is not specified.",
        "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        "",
        '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        "       connections without a password. This is *not* recommended.",
        "",
        '       See PostgreSQL documentation about "trust":',
        "       https://www.postgresql.org/docs/current/auth-trust.html",
    ]
    return [Line(0.01, t, "stderr") for t in text]


def postgres_start(image: Image, ctx: Context, port: int, initdb: bool) -> list[Line]:
    lines: list[Line] = []
    if initdb:
        for text in (
            'The files belonging to this database system will be owned by user "postgres".',
            "This user must also own the server process.",
            "",
            'The database cluster will be initialized with locale "en_US.utf8".',
            "Success. You can now start the database server using:",
            "",
            "PostgreSQL init process complete; ready for start up.",
            "",
        ):
            lines.append(Line(0.5, text))
    ready = 2.5 if initdb else 0.3
    stamp = _at(ctx, ready, "%Y-%m-%d %H:%M:%S.") + f"{_ms(ctx.started_at + ready):03d} UTC"
    for text in (
        f"[1] LOG:  starting PostgreSQL {image.version} (Debian {image.version}-1.pgdg120+1) on "
        "x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
        f'[1] LOG:  listening on IPv4 address "0.0.0.0", port {port}',
        f'[1] LOG:  listening on IPv6 address "::", port {port}',
        f'[1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.{port}"',
        "[1] LOG:  database system is ready to accept connections",
    ):
        lines.append(Line(ready, f"{stamp} {text}", "stderr"))
    return lines


def postgres_stop(ctx: Context) -> list[Line]:
    return [
        Line(0.0, "{pg} [1] LOG:  received fast shutdown request", "stderr"),
        Line(0.0, "{pg} [1] LOG:  aborting any active transactions", "stderr"),
        Line(0.1, "{pg} [1] LOG:  database system is shut down", "stderr"),
    ]


# ---- mysql ------------------------------------------------------------------------------------


def _mysql_entry(ctx: Context, offset: float) -> str:
    return _at(ctx, offset, "%Y-%m-%d %H:%M:%S+00:00")


def mysql_no_password(image: Image, ctx: Context) -> list[Line]:
    stamp = _mysql_entry(ctx, 0.1)
    return [
        Line(
            0.1,
            f"{stamp} [Note] [Entrypoint]: Entrypoint script for MySQL Server "
            f"{image.version}-1.el9 started.",
        ),
        Line(0.1, f"{stamp} [Note] [Entrypoint]: Switching to dedicated user 'mysql'"),
        Line(
            0.2,
            f"{stamp} [ERROR] [Entrypoint]: Database is uninitialized and password option is "
            "not specified",
            "stderr",
        ),
        Line(
            0.2,
            "    You need to specify one of the following as an environment variable:",
            "stderr",
        ),
        Line(0.2, "    - MYSQL_ROOT_PASSWORD", "stderr"),
        Line(0.2, "    - MYSQL_ALLOW_EMPTY_PASSWORD", "stderr"),
        Line(0.2, "    - MYSQL_RANDOM_ROOT_PASSWORD", "stderr"),
    ]


def mysql_start(image: Image, ctx: Context, ready: float) -> list[Line]:
    stamp = _mysql_entry(ctx, 0.1)
    server = _at(ctx, ready, "%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        Line(
            0.1,
            f"{stamp} [Note] [Entrypoint]: Entrypoint script for MySQL Server "
            f"{image.version}-1.el9 started.",
        ),
        Line(0.1, f"{stamp} [Note] [Entrypoint]: Initializing database files"),
        Line(
            ready,
            f"{server} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. "
            f"Version: '{image.version}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  "
            "MySQL Community Server - GPL.",
        ),
    ]


def mysql_stop(image: Image, ctx: Context) -> list[Line]:
    return [
        Line(
            0.0,
            "{mysql} 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user "
            "signal>. Shutting down mysqld (Version: " + image.version + ").",
        ),
        Line(
            0.2,
            "{mysql} 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete "
            "(mysqld " + image.version + ")  MySQL Community Server - GPL.",
        ),
    ]


# ---- registry ---------------------------------------------------------------------------------


def registry_start(image: Image, ctx: Context) -> list[Line]:
    stamp = timeutil.to_datetime(ctx.started_at + 0.01).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    common = f"go.version=go1.23.7 service=registry version={image.version}"
    return [
        Line(0.01, f'time="{stamp}" level=info msg="redis not configured" {common}', "stderr"),
        Line(
            0.01,
            f'time="{stamp}" level=info msg="Starting upload purge in 20m0s" {common}',
            "stderr",
        ),
        Line(0.01, f'time="{stamp}" level=info msg="listening on [::]:5000" {common}', "stderr"),
    ]


# ---- an app image's own server (registry.yaml `server.log`) ------------------------------------


def app_start(image: Image, ctx: Context, port: int) -> list[Line]:
    """The start line of an application image, from its catalogue template; none for a
    template about a port when the container has none."""
    template = image.server.log
    if not template or ("{port}" in template and not port):
        return []
    moment = timeutil.to_datetime(ctx.started_at)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{_ms(ctx.started_at):03d}Z"  # JavaScript's
    text = template.format(port=port, hostname=ctx.hostname, ip=ctx.pod_ip, time=moment, iso=iso)
    return [Line(0.0, text, image.server.stream)]
