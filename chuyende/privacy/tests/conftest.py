"""English messages in these tests (see tests/english.py)."""

from tests.english import client, english  # noqa: F401

# The members who left long ago and the working files naming them (test_anonymise.py), for the
# other anonymisation tests too.
from .test_anonymise import departed, work  # noqa: E402, F401
