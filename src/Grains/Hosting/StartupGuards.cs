using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Storage;

namespace Warranty.Grains.Hosting;

/// <summary>
/// What a process that runs a silo checks before it starts anything, so that a second instance or a taken port stops it
/// at once with one line (<see cref="StartupFailure"/>) instead of a shared store or a half-started silo:
/// the SQLite store is this process's alone (<see cref="SqliteStoreLock"/>), and the silo and gateway ports are free.
/// It is also where a SQLite store's folder and file are created (<see cref="WarrantyStorageOptions.PrepareSqliteFile"/>):
/// reading the settings never does.
/// </summary>
public static class StartupGuards
{
    private const int OrleansSiloPort = 11111;
    private const int OrleansGatewayPort = 30000;

    /// <summary>
    /// Runs the checks for a silo configured by <paramref name="configuration"/>. With <paramref name="pickFreePorts"/>
    /// (the front door's embedded silo on SQLite or memory, whose ports nothing outside the process uses) unset ports
    /// are chosen free and written into the configuration; otherwise unset ports are Orleans' 11111 and 30000.
    /// </summary>
    public static void ForSilo(IConfigurationManager configuration, bool pickFreePorts)
    {
        var options = Settings.Read<WarrantyStorageOptions>(configuration);
        options.PrepareSqliteFile();
        if (options.Kind == StorageKind.Sqlite && WarrantyStorageOptions.SqliteFilePath(options.ConnectionString) is { } file)
        {
            SqliteStoreLock.Acquire(file);
        }

        var embedded = pickFreePorts && options.Kind != StorageKind.Postgres;
        Port(configuration, WarrantyStorageOptions.SiloPortKey, options.SiloPort, OrleansSiloPort, embedded);
        Port(configuration, WarrantyStorageOptions.GatewayPortKey, options.GatewayPort, OrleansGatewayPort, embedded);
    }

    private static void Port(IConfigurationManager configuration, string key, int? configured, int orleansDefault, bool pickFree)
    {
        if (configured is null && pickFree)
        {
            configuration[key] = FreePort().ToString(CultureInfo.InvariantCulture);
            return;
        }

        EnsureFree(key, configured ?? orleansDefault);
    }

    /// <summary>Throws <see cref="StartupFailure"/> naming <paramref name="setting"/> when another process listens on <paramref name="port"/>.</summary>
    public static void EnsureFree(string setting, int port)
    {
        if (IsInUse(IPAddress.Any, port))
        {
            throw new StartupFailure(
                $"Port {port} ({setting}) is in use by another process: stop it, or set {setting} " +
                $"(environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}) to a free port.");
        }
    }

    /// <summary>Whether another socket listens on <paramref name="port"/> (on <paramref name="address"/>, or any address for Any).</summary>
    public static bool IsInUse(IPAddress address, int port)
    {
        try
        {
            // Only SO_REUSEADDR, so that connections of a process that just stopped (TIME_WAIT) do not count; .NET's
            // ReuseAddress would add SO_REUSEPORT on Linux, and that would let the probe share the port with a listener
            // that set it too (as Orleans' does).
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (OperatingSystem.IsLinux())
            {
                const int SolSocket = 1, SoReuseAddr = 2;
                probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            }

            probe.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
        {
            return false; // not an address of this machine (or no IPv6): the server will say so itself
        }
    }

    /// <summary>A TCP port free on the loopback address now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
