namespace Warranty.Grains.Interfaces;

/// <summary>
/// Where the service keeps its own files when no path is configured (the default SQLite store, the development signing
/// key): <c>&lt;LocalApplicationData&gt;/warranty</c>, that is <c>$XDG_DATA_HOME/warranty</c> or
/// <c>~/.local/share/warranty</c> on Linux and <c>%LOCALAPPDATA%\warranty</c> on Windows.
/// </summary>
public static class DataFolder
{
    public static string Default { get; } = Path.Combine(
        // DoNotVerify: on a fresh machine ~/.local/share may not exist yet, and the default
        // (verifying) lookup would then return "" and put the files in the working directory.
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "warranty");
}
