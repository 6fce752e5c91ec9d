using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warranty.Grains.Storage;

/// <summary>
/// How grain state is written as JSON: web defaults (camelCase names, case-insensitive reads,
/// numbers readable from strings) and enums as their names, so reordering an enum never
/// changes the meaning of stored state.
/// </summary>
public static class GrainStateJson
{
    /// <summary>Applies the conventions to Orleans' storage serializer options (which already include fields and skip nulls).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var web = JsonSerializerOptions.Web;
        options.PropertyNamingPolicy = web.PropertyNamingPolicy;
        options.PropertyNameCaseInsensitive = web.PropertyNameCaseInsensitive;
        options.NumberHandling = web.NumberHandling;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter());
        }
    }
}
