"""The lifecycle of courses and notices: minor and material changes, validity and renewal."""
