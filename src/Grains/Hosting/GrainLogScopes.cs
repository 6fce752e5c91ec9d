using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Warranty.Grains.Hosting;

/// <summary>
/// A logging scope around each grain call (JSON log format only): <c>lineId</c> for a line's grains, <c>imei</c> for a
/// device's, <c>tac</c> for the catalogue's and stock's, and <c>claimId</c> when the call names a claim. So every entry
/// a grain writes says which subscriber it is about, without each log call repeating it.
/// </summary>
internal sealed class GrainLogScopes(ILoggerFactory loggers) : IIncomingGrainCallFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("Warranty.Grains");

    /// <summary>Per grain method, the position of its <c>claimId</c> argument (-1: none), found once by reflection.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, int> ClaimIdArgument = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var key = context.TargetId.Key.ToString();
        var type = context.TargetId.Type.ToString();
        var (name, value) = type switch
        {
            "line" or "line-archive" => ("lineId", key),
            "device" => ("imei", key),
            "catalog-model" or "exchange-stock" => ("tac", key),
            _ => ("grain", $"{type}/{key}"),
        };
        var scope = new List<KeyValuePair<string, object?>>(2) { new(name, value) };
        var index = ClaimIdArgument.GetOrAdd(context.ImplementationMethod, m => Array.FindIndex(m.GetParameters(), p => p.Name == "claimId"));
        if (index >= 0 && index < context.Request.GetArgumentCount() && context.Request.GetArgument(index) is string claimId)
        {
            scope.Add(new("claimId", claimId));
        }

        using (_logger.BeginScope(scope))
        {
            await context.Invoke();
        }
    }
}
