"""Prompt-injection detection: normalised views of a text (``views``), the weighted deny list
(``signatures``), the scorer (``scanner``), the topic allow-list (``topics``) and the optional learned
classifier (``classifier``). ``governance.guard`` is the public entry point."""
