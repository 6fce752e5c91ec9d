using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Warranty.Grains.Storage;

/// <summary>
/// A consistent copy of a SQLite store, taken with SQLite's online backup while the service keeps running (writers
/// are not blocked for the whole copy; the copy is one committed state). The copy is written beside the target and
/// moved into place only once it is complete and passes SQLite's integrity check, owner-only (0600).
/// </summary>
public static class SqliteBackup
{
    public sealed record Report(string Source, string Target, long Bytes, TimeSpan Took);

    /// <exception cref="InvalidOperationException">The source is missing, the target exists, or the copy is not sound.</exception>
    public static Report Copy(string sourcePath, string targetPath)
    {
        var source = Path.GetFullPath(sourcePath);
        var target = Path.GetFullPath(targetPath);
        if (!File.Exists(source))
        {
            throw new InvalidOperationException($"There is no SQLite store at {source}.");
        }

        if (File.Exists(target))
        {
            throw new InvalidOperationException($"{target} exists; a backup never overwrites a file. Choose another path or remove it.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        var clock = Stopwatch.StartNew();
        try
        {
            SqliteStoreLock.CreatePrivate(partial);
            using (var from = Open(source, SqliteOpenMode.ReadWrite))
            using (var to = Open(partial, SqliteOpenMode.ReadWrite))
            {
                from.BackupDatabase(to);
                using var check = to.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                if (check.ExecuteScalar() as string is not "ok" and var result)
                {
                    throw new InvalidOperationException($"The copy of {source} failed SQLite's integrity check: {result}.");
                }

                // One self-contained file: no -wal beside the copy.
                using var journal = to.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE";
                journal.ExecuteNonQuery();
            }

            File.Move(partial, target, overwrite: false);
            return new Report(source, target, new FileInfo(target).Length, clock.Elapsed);
        }
        finally
        {
            foreach (var leftover in new[] { partial, partial + "-journal", partial + "-wal", partial + "-shm" })
            {
                File.Delete(leftover);
            }
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
