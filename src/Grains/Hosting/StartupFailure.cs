namespace Warranty.Grains.Hosting;

/// <summary>
/// A reason the process cannot start that an operator fixes by changing a setting or stopping another process (a taken
/// port, a store in use). Hosts print its message as one line on stderr and exit 1, without a stack trace.
/// </summary>
public sealed class StartupFailure(string message) : Exception(message);
