"""Menus and home cards of the performance module: documents (core/performance/ui.py).

The printable SKP (``performance:skp_print``) and evaluation document
(``performance:evaluation_print``) have no menu entry of their own: each is printed from
the page of its SKP or evaluation, by whoever may see it."""
