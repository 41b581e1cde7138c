# Times a kernel for BenchmarkKernel (bench_test.go): argv is KERNEL
# WHAT N, WHAT "start" (start_kernel until the first kernel_info_reply)
# or "cell" (execute_request of a trivial cell until its idle status).
# Prints the mean in seconds after "RESULT".
import sys, time
from jupyter_client.manager import KernelManager

name, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def first_info(kc, deadline):
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            while True:
                m = kc.get_shell_msg(timeout=0.05)
                if m["msg_type"] == "kernel_info_reply":
                    return
        except Exception:
            pass
    raise SystemExit("no kernel_info_reply")


if what == "start":
    total = 0.0
    for _ in range(n):
        km = KernelManager(kernel_name=name)
        t0 = time.monotonic()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        first_info(kc, t0 + 60)
        total += time.monotonic() - t0
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print("RESULT", total / n, flush=True)
else:
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    total = 0.0
    for _ in range(n):
        t0 = time.monotonic()
        msg_id = kc.execute("x = 1")
        while True:
            m = kc.get_iopub_msg(timeout=30)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        total += time.monotonic() - t0
        kc.get_shell_msg(timeout=30)
    print("RESULT", total / n, flush=True)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
