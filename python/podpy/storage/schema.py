"""The storage component's tables in the shared database."""

MIGRATIONS = (
    """
    CREATE TABLE layers (
        id TEXT PRIMARY KEY,
        parent TEXT NOT NULL,
        diff_id TEXT NOT NULL,
        compressed_digest TEXT NOT NULL,
        compressed_size INTEGER NOT NULL,
        size INTEGER NOT NULL,
        link TEXT NOT NULL,
        incomplete INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL
    );
    CREATE TABLE images (
        id TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        manifest TEXT NOT NULL,
        manifest_media_type TEXT NOT NULL,
        config TEXT NOT NULL,
        layers TEXT NOT NULL,
        size INTEGER NOT NULL,
        created TEXT NOT NULL,
        added TEXT NOT NULL
    );
    CREATE TABLE image_names (
        name TEXT PRIMARY KEY,
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
    );
    CREATE INDEX image_names_image ON image_names(image_id);
    CREATE TABLE rw_layers (
        id TEXT PRIMARY KEY,
        image_id TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX rw_layers_image ON rw_layers(image_id)
    """,
)
