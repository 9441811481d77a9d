"""What an office's IT meets installing the app as README's Production section says."""

import pytest
from django.db import connection

from tests.served import Served, database_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_instances_for_one_user_share_no_control_socket(tmp_path):
    """gunicorn 27 puts a control socket in the user's home by default, one path for every
    instance: ours has none unless GUNICORN_CONTROL_SOCKET names one for the instance."""
    home = tmp_path / "home"
    home.mkdir()
    own = tmp_path / "second.ctl"
    first = Served(database_of(connection), tmp_path / "first.log", environment={"HOME": str(home)})
    second = Served(
        database_of(connection),
        tmp_path / "second.log",
        environment={"HOME": str(home), "GUNICORN_CONTROL_SOCKET": str(own)},
    )
    try:
        assert not list(home.rglob("*.ctl"))  # nothing in the home both share
        assert own.is_socket()
    finally:
        first.stop()
        second.stop()
