"""Processes as /proc shows them: what the tests of function processes (serve --lambda,
serve --watch) look at."""
import os
import signal
import subprocess
import time


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command (state, ppid, ... start time at [19]),
    or None when the process is gone."""
    try:
        with open("/proc/%s/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def alive(pid):
    """Whether the process exists and is not a zombie."""
    fields = stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def child_pids(parent):
    """Living (non-zombie) children of `parent`."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(entry)
            if fields and int(fields[1]) == parent and fields[0] != "Z":
                children.append(int(entry))
    return sorted(children)


def environment_of(pid):
    try:
        with open("/proc/%d/environ" % pid, "rb") as environ:
            entries = environ.read().split(b"\0")
    except OSError:
        return {}
    return dict(entry.decode("utf-8", "replace").split("=", 1) for entry in entries if b"=" in entry)


def function_children(parent, function):
    """Living children of `parent` that run `function` (their _HANDLER)."""
    return [pid for pid in child_pids(parent) if environment_of(pid).get("_HANDLER") == function]


def wait_until(predicate, timeout=5.0, interval=0.02):
    """Polls predicate() until it is truthy or timeout passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def kill_if_alive(pids):
    """SIGKILLs those of `pids` that still run as Lambda function processes."""
    for pid in pids:
        if alive(pid) and "AWS_LAMBDA_RUNTIME_API" in environment_of(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def terminate(process, timeout):
    """SIGTERM to a subprocess.Popen that still runs, then waits up to `timeout` s; past it,
    SIGKILL. Whether it stopped by itself in time."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
