"""Where a reply goes: output formats, email drafts and their addresses, the clipboard."""
