namespace Warranty.Grains.Storage;

/// <summary>Where grain state lives; chosen by the <c>Warranty:Storage</c> setting.</summary>
public enum StorageKind
{
    /// <summary>An embedded SQLite file (the default); localhost clustering.</summary>
    Sqlite,

    /// <summary>PostgreSQL, which also holds the cluster membership.</summary>
    Postgres,

    /// <summary>In-memory only: everything is lost when the process exits.</summary>
    Memory,
}
