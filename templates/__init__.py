"""The default templates, keputusan.docx and lampiran.docx.

This folder is packaged as `generator.templates` (see pyproject.toml), so a wheel carries the
templates and `generator.template_files` finds them through importlib.resources in an editable
install and an ordinary one alike. Staff restyle the .docx files in Word; nothing here is code.
"""
