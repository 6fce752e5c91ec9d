using Warranty.Grains.Hosting;

namespace Warranty.Grains.Storage;

/// <summary>
/// One process per SQLite store: the process holds an exclusive lock on <c>&lt;database&gt;.lock</c> for as long as it
/// runs. The operating system releases it when the process ends, however it ends (a crash or SIGKILL included), so a
/// stale lock file never blocks a restart. A second process on the same file stops at start with one line naming it,
/// instead of sharing the store and failing its writes with version conflicts.
/// </summary>
public static class SqliteStoreLock
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    /// <summary>Takes the lock of the database at <paramref name="databasePath"/> for this process (again: no-op).</summary>
    /// <exception cref="StartupFailure">Another process holds it.</exception>
    public static void Acquire(string databasePath)
    {
        var lockPath = Path.GetFullPath(databasePath) + ".lock";
        lock (Gate)
        {
            if (Held.ContainsKey(lockPath))
            {
                return;
            }

            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix and a sharing lock on Windows.
                Held[lockPath] = new FileStream(lockPath, options);
            }
            catch (IOException)
            {
                throw new StartupFailure(
                    $"Another process is using the SQLite store {Path.GetFullPath(databasePath)} (it holds {lockPath}): stop it, " +
                    "or give this one its own file with ConnectionStrings:Warranty=\"Data Source=<path>\".");
            }
        }
    }

    /// <summary>Creates the database file owner-only (0600) when it does not exist yet; SQLite's -wal and -shm files follow its mode.</summary>
    public static void CreatePrivate(string databasePath)
    {
        if (File.Exists(databasePath) || OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var _ = new FileStream(databasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(databasePath))
        {
            // Created meanwhile by someone else: theirs stands.
        }
    }
}
