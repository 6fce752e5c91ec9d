using Microsoft.Extensions.Configuration;

namespace Warranty.Grains.Hosting;

/// <summary>
/// The <c>appsettings.json</c> a process ships beside its binaries (log levels fit for production: nothing per
/// request at Information), read whatever the working directory is. It is the lowest-precedence source: an
/// <c>appsettings.json</c> in the content root, environment variables and the command line override it.
/// </summary>
public static class ShippedSettings
{
    public static void AddShippedSettings(this IConfigurationManager configuration)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(file))
        {
            return;
        }

        var source = new ConfigurationBuilder().AddJsonFile(file, optional: true, reloadOnChange: false).Sources[0];
        configuration.Sources.Insert(0, source);
    }
}
