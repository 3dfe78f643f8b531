"""Statistics on analysis-ready arrays; no file reading here."""
