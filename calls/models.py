"""Calls and their events, the compliance gate, the call lifecycle and what an outcome sets off."""
