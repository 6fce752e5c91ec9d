using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warranty.Api.Http;

/// <summary>One field of a request body: the record's property, its JSON name, and whether the contract requires it.</summary>
public sealed record RequestField(string Property, string Name, bool Required);

/// <summary>
/// The fields of a request body as its record declares them, in declaration order. A field is required when its property
/// carries <see cref="RequiredAttribute"/>: that attribute is the one place the contract's required fields are said
/// (API.md: "Every body field listed is required, except these optional ones"). The reader (<see cref="FieldReader"/>)
/// refuses a missing required field from it, and the OpenAPI document lists the same fields as required
/// (<see cref="RequestSchemas"/> for the endpoints' bodies, the OpenAPI generator itself for the import's records).
/// </summary>
public sealed class RequestFields
{
    private static readonly ConcurrentDictionary<Type, RequestFields> Declared = new();

    private readonly Dictionary<string, RequestField> _byProperty;
    private readonly HashSet<string> _requiredNames;

    private RequestFields(Type type)
    {
        All = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0 && !p.IsDefined(typeof(JsonIgnoreAttribute)))
            .Select(p => new RequestField(
                p.Name,
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                p.IsDefined(typeof(RequiredAttribute))))
            .ToArray();
        _byProperty = All.ToDictionary(f => f.Property, StringComparer.Ordinal);
        _requiredNames = All.Where(f => f.Required).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The fields of <paramref name="type"/>, read once per type.</summary>
    public static RequestFields Of(Type type) => Declared.GetOrAdd(type, static t => new RequestFields(t));

    public IReadOnlyList<RequestField> All { get; }

    /// <summary>The field of property <paramref name="property"/> (its C# name, as <c>nameof</c> gives it).</summary>
    public RequestField this[string property] => _byProperty.TryGetValue(property, out var field)
        ? field
        : throw new ArgumentException($"The request body declares no property {property}.", nameof(property));

    /// <summary>Whether the field named <paramref name="name"/> in JSON is required.</summary>
    public bool IsRequired(string name) => _requiredNames.Contains(name);
}
