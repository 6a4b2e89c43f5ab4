"""The relocation stay: from the accepted offer through the stay to the return."""
