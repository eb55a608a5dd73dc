"""Printing: the per-session checklist PDF (reportlab), built in memory and saved atomically.

Qt-free. reportlab is imported only inside the functions that lay out a PDF, so importing this
package (or the CLI) stays cheap.
"""


def speedups_in_use() -> bool:
    """Whether reportlab runs its C speed-ups (the ``rl_accel`` package) rather than pure Python.

    Without them every printout still comes out the same, only slower (about 1.6× on a checklist),
    so the self-test reports it and the package check insists on it.
    """
    from reportlab.lib import rl_accel

    return getattr(rl_accel.fp_str, "__module__", "") == "_rl_accel"
