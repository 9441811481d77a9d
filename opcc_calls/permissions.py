"""Every view declares the permission it needs.

`requires("app.codename")` turns away a signed-in user without it (403) and records the
permission on the view, so the URL-walking test can check that no view forgot to declare one.
`requires(SIGNED_IN)` is for the few pages every member of staff may use (home, password change).
"""

from collections.abc import Callable

from django.contrib.auth.decorators import permission_required

SIGNED_IN = "signed-in"


def requires(permission: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        wrapped = (
            view
            if permission == SIGNED_IN
            else permission_required(permission, raise_exception=True)(view)
        )
        wrapped.required_permission = permission
        return wrapped

    return decorator
