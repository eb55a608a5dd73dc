"""Printing: the per-session checklist PDF (reportlab), built in memory and saved atomically.

Qt-free. reportlab is imported only inside the functions that lay out a PDF, so importing this
package (or the CLI) stays cheap.
"""
