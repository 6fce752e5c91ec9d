using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>Tests that need PostgreSQL: <c>[Collection(PostgresCollection.Name)]</c> and take <see cref="PostgresServer"/> in the constructor.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A PostgreSQL server for tests. Uses <c>WARRANTY_TEST_PG</c> (a full Npgsql connection string
/// whose user may create databases) when set; otherwise runs its own throwaway server from the
/// machine's binaries (<c>pg_config --bindir</c>, else <c>/usr/lib/postgresql/*/bin</c>): <c>initdb</c>
/// into a temporary folder and <c>pg_ctl start</c> on a free 127.0.0.1 port, as the
/// <c>postgres</c> user (via <c>runuser</c>) when the tests run as root.
/// </summary>
/// <remarks>
/// One server serves the whole test process: every fixture instance (and <see cref="Shared"/>)
/// holds a reference, and the server is stopped and its folder deleted when the last fixture
/// is disposed. Whatever is still running when the test process ends (normally, by a crash or
/// killed, and <see cref="Shared"/>'s server always) is stopped and deleted by a small watchdog
/// shell started with the server; a next run also sweeps any folder whose test process is gone.
/// Isolate tests with <see cref="CreateDatabaseAsync"/>, which returns a connection string to a fresh database.
/// </remarks>
public sealed partial class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "WARRANTY_TEST_PG";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Server? _server;
    private static int _references;

    private Server? _acquired;

    /// <summary>
    /// A process-wide instance for code that is not an xunit fixture: started on first use, never
    /// released, so the server lives until the test process exits and is then stopped and deleted
    /// by its watchdog.
    /// </summary>
    public static PostgresServer Shared { get; } = new();

    /// <summary>Connection string to the server's maintenance database (<c>postgres</c>).</summary>
    public string ConnectionString => (_acquired ?? throw new InvalidOperationException("The server is not started; await InitializeAsync first.")).AdminConnectionString;

    public async Task InitializeAsync() => await AcquireAsync();

    public async Task DisposeAsync()
    {
        if (ReferenceEquals(this, Shared))
        {
            return;
        }

        await ReleaseAsync();
    }

    /// <summary>Creates an empty database named after <paramref name="prefix"/> and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await AcquireAsync();
        return await server.CreateDatabaseAsync(prefix);
    }

    private async Task<Server> AcquireAsync()
    {
        if (_acquired is not null)
        {
            return _acquired;
        }

        await Gate.WaitAsync();
        try
        {
            if (_acquired is not null)
            {
                return _acquired;
            }

            _server ??= await Server.StartAsync();
            _references++;
            _acquired = _server;
            return _acquired;
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_acquired is null)
            {
                return;
            }

            _acquired = null;
            if (--_references == 0 && _server is not null)
            {
                var server = _server;
                _server = null;
                await server.StopAsync();
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A running server: an external one named by <see cref="EnvironmentVariable"/>, or one this process started.</summary>
    private sealed partial class Server
    {
        private const string SuperUser = "postgres";
        // Per user, so runs as root and as another user never share (or sweep) each other's folders.
        private static readonly string RunsRoot = Path.Combine(Path.GetTempPath(), $"warranty-pg-{Environment.UserName}");

        private readonly List<string> _createdDatabases = [];
        private readonly string? _binDir;
        private readonly string? _runDir;

        private Server(string adminConnectionString, string? binDir, string? runDir)
        {
            AdminConnectionString = adminConnectionString;
            _binDir = binDir;
            _runDir = runDir;
        }

        public string AdminConnectionString { get; }

        private bool IsExternal => _runDir is null;

        public static async Task<Server> StartAsync()
        {
            var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                var server = new Server(external, binDir: null, runDir: null);
                await server.WaitUntilAcceptingAsync(TimeSpan.FromSeconds(30));
                return server;
            }

            var binDir = await FindBinDirAsync();
            await SweepAbandonedRunsAsync(binDir);
            return await StartLocalAsync(binDir);
        }

        public async Task<string> CreateDatabaseAsync(string prefix)
        {
            var name = DatabaseName(prefix);
            await using (var connection = new NpgsqlConnection(AdminConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
                await command.ExecuteNonQueryAsync();
            }

            lock (_createdDatabases)
            {
                _createdDatabases.Add(name);
            }

            return new NpgsqlConnectionStringBuilder(AdminConnectionString)
            {
                Database = name,
                Pooling = true,
                IncludeErrorDetail = true,
            }.ConnectionString;
        }

        public async Task StopAsync()
        {
            NpgsqlConnection.ClearAllPools();
            if (IsExternal)
            {
                await DropCreatedDatabasesAsync();
                return;
            }

            await StopLocalAsync(_binDir!, _runDir!);
        }

        private static async Task<Server> StartLocalAsync(string binDir)
        {
            Directory.CreateDirectory(RunsRoot);
            var runDir = Path.Combine(RunsRoot, $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
            var socketDir = Path.Combine(runDir, "sock");
            Directory.CreateDirectory(socketDir);
            if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
            {
                // initdb and postgres run as the postgres user, who must own the folder and reach it.
                File.SetUnixFileMode(RunsRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                await RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", runDir], runDir, asPostgres: false);
            }

            var dataDir = Path.Combine(runDir, "data");
            StartWatchdog(binDir, runDir);
            try
            {
                await RunAsync(
                    Path.Combine(binDir, "initdb"),
                    ["-D", dataDir, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                    runDir,
                    asPostgres: true);

                // A free port can be taken between the probe and the server's bind: try a few.
                for (var attempt = 1; ; attempt++)
                {
                    var port = FreePort();
                    try
                    {
                        await RunAsync(
                            Path.Combine(binDir, "pg_ctl"),
                            [
                                "-D", dataDir, "-l", Path.Combine(runDir, "postgres.log"), "-w", "-t", "60",
                                "-o", $"-k {socketDir} -h 127.0.0.1 -p {port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                                "start",
                            ],
                            runDir,
                            asPostgres: true);
                    }
                    catch (InvalidOperationException) when (attempt < 3)
                    {
                        continue;
                    }

                    var started = new Server(
                        new NpgsqlConnectionStringBuilder
                        {
                            Host = "127.0.0.1",
                            Port = port,
                            Username = SuperUser,
                            Database = "postgres",
                            Pooling = false,
                            IncludeErrorDetail = true,
                        }.ConnectionString,
                        binDir,
                        runDir);
                    await started.WaitUntilAcceptingAsync(TimeSpan.FromSeconds(30));
                    return started;
                }
            }
            catch (Exception ex)
            {
                var log = Path.Combine(runDir, "postgres.log");
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no server log)";
                await StopLocalAsync(binDir, runDir);
                throw new InvalidOperationException($"Could not start a test PostgreSQL from {binDir}: {ex.Message}\nServer log:\n{tail}", ex);
            }
        }

        private static async Task StopLocalAsync(string binDir, string runDir)
        {
            var dataDir = Path.Combine(runDir, "data");
            if (File.Exists(Path.Combine(dataDir, "postmaster.pid")))
            {
                try
                {
                    await RunAsync(Path.Combine(binDir, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"], runDir, asPostgres: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone: nothing to stop.
                }
            }

            try
            {
                Directory.Delete(runDir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the next run sweeps what is left.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>
        /// Starts a detached shell (its own session, no inherited output) that waits for this test
        /// process to end, however it ends, then stops the server and deletes its folder. Started
        /// before initdb, so no window is left unguarded; a server already stopped and deleted by
        /// <see cref="StopAsync"/> is simply not there any more.
        /// </summary>
        private static void StartWatchdog(string binDir, string runDir)
        {
            var pgCtl = Path.Combine(binDir, "pg_ctl");
            var stop = Environment.IsPrivilegedProcess ? $"runuser -u {SuperUser} -- '{pgCtl}'" : $"'{pgCtl}'";
            var script =
                "exec </dev/null >/dev/null 2>&1; " +
                $"while kill -0 {Environment.ProcessId}; do sleep 1; done; " +
                // Let an initdb or pg_ctl start that was under way when the process died finish first.
                "sleep 2; " +
                $"if [ -f '{runDir}/data/postmaster.pid' ]; then {stop} -D '{runDir}/data' -m immediate -w stop; fi; " +
                $"rm -rf '{runDir}'";
            var info = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = "/" };
            foreach (var argument in (string[])["sh", "-c", script])
            {
                info.ArgumentList.Add(argument);
            }

            using var watchdog = Process.Start(info);
        }

        /// <summary>Stops and deletes servers whose test process no longer runs (it was killed before disposing).</summary>
        private static async Task SweepAbandonedRunsAsync(string binDir)
        {
            if (!Directory.Exists(RunsRoot))
            {
                return;
            }

            foreach (var runDir in Directory.EnumerateDirectories(RunsRoot))
            {
                var owner = Path.GetFileName(runDir).Split('-')[0];
                if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !ProcessRunner.IsRunning(pid))
                {
                    await StopLocalAsync(binDir, runDir);
                }
            }
        }


        private static async Task<string> FindBinDirAsync()
        {
            try
            {
                var fromPgConfig = (await RunAsync("pg_config", ["--bindir"], Environment.CurrentDirectory, asPostgres: false)).Trim();
                if (File.Exists(Path.Combine(fromPgConfig, "initdb")))
                {
                    return fromPgConfig;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // No pg_config on PATH: look in Debian's default place.
            }

            const string debianRoot = "/usr/lib/postgresql";
            var candidate = Directory.Exists(debianRoot)
                ? Directory.EnumerateDirectories(debianRoot)
                    .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                    .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")))
                    .OrderByDescending(c => c.Version)
                    .Select(c => c.Dir)
                    .FirstOrDefault()
                : null;

            return candidate ?? throw new InvalidOperationException(
                $"No PostgreSQL server binaries found (pg_config --bindir, {debianRoot}/*/bin). Install them " +
                $"(apt-get install postgresql) or set {EnvironmentVariable} to a connection string of a server to use.");
        }

        private async Task WaitUntilAcceptingAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(AdminConnectionString);
                    await connection.OpenAsync();
                    return;
                }
                catch (NpgsqlException) when (DateTime.UtcNow < deadline)
                {
                    // pg_ctl -w has already waited for the server; this only covers an external one starting up.
                    await Task.Delay(250);
                }
            }
        }

        private async Task DropCreatedDatabasesAsync()
        {
            string[] names;
            lock (_createdDatabases)
            {
                names = [.. _createdDatabases];
                _createdDatabases.Clear();
            }

            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
            foreach (var name in names)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        private static string DatabaseName(string prefix)
        {
            var clean = UnsafeNameCharacters().Replace(prefix.ToLowerInvariant(), "_");
            if (clean.Length > 40)
            {
                clean = clean[..40];
            }

            return $"{clean}_{Guid.NewGuid():N}"[..Math.Min(clean.Length + 1 + 16, 63)];
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, bool asPostgres)
        {
            var info = new ProcessStartInfo
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (asPostgres && Environment.IsPrivilegedProcess)
            {
                info.FileName = "runuser";
                foreach (var argument in (string[])["-u", SuperUser, "--", fileName])
                {
                    info.ArgumentList.Add(argument);
                }
            }
            else
            {
                info.FileName = fileName;
            }

            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["LC_ALL"] = "C";

            var (exitCode, output, errors) = await ProcessRunner.RunAsync(info);
            if (exitCode != 0)
            {
                var text = new StringBuilder().Append(output).Append(errors).ToString().Trim();
                throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited with {exitCode}: {text}");
            }

            return output;
        }

        [GeneratedRegex("[^a-z0-9_]")]
        private static partial Regex UnsafeNameCharacters();
    }
}
