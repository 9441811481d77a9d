"""Static files as production serves them: WhiteNoise's compressed, hashed files, with each
file's URL worked out once per process (every page asks for the same few, and the manifest
they come from does not change while the process runs)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force: bool = False) -> str:
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
