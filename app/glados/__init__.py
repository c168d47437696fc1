"""GLaDOS: the control plane and Weaver's only northbound API (`create_app`)."""
