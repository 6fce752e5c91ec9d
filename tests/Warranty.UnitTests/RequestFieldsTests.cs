using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Warranty.Api.Features;
using Warranty.Api.Http;
using Warranty.Api.Import;

namespace Warranty.UnitTests;

/// <summary>
/// Which request fields are required is declared once, by <c>[Required]</c> on the request records' properties; the
/// reader and the OpenAPI document both take it from <see cref="RequestFields"/>.
/// </summary>
public sealed class RequestFieldsTests
{
    private sealed record Sample([property: JsonPropertyName("given_name")] string? A, [property: Required] int? SecondField, [property: JsonIgnore] string? Hidden);

    [Fact]
    public void Fields_are_the_json_names_in_declaration_order_and_required_where_declared()
    {
        var fields = RequestFields.Of(typeof(LinesApi.CreateLineRequest));

        Assert.Equal(["lineId", "plan", "simType", "serviceStartDate", "warrantyOption", "at"], fields.All.Select(f => f.Name));
        Assert.Equal(["lineId", "plan", "simType", "serviceStartDate", "warrantyOption"], fields.All.Where(f => f.Required).Select(f => f.Name));
        Assert.True(fields.IsRequired("plan"));
        Assert.False(fields.IsRequired("at"));
        Assert.Equal(new RequestField("ServiceStartDate", "serviceStartDate", true), fields["ServiceStartDate"]);
    }

    [Fact]
    public void A_json_name_given_by_attribute_wins_and_ignored_properties_are_no_fields()
    {
        var fields = RequestFields.Of(typeof(Sample));

        Assert.Equal(
            [new RequestField("A", "given_name", false), new RequestField("SecondField", "secondField", true)],
            fields.All);
    }

    [Fact]
    public void A_property_the_record_does_not_declare_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => RequestFields.Of(typeof(LinesApi.DateRequest))["Nope"]);
    }

    /// <summary>API.md: "Every body field listed is required, except these optional ones" (the list the document was once kept from by hand).</summary>
    [Fact]
    public void The_endpoints_optional_body_fields_are_the_contracts_few()
    {
        var bodies = typeof(LinesApi).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Request", StringComparison.Ordinal) && t.DeclaringType?.Namespace == typeof(LinesApi).Namespace)
            .ToArray();

        var optional = bodies.SelectMany(t => RequestFields.Of(t).All).Where(f => !f.Required).Select(f => f.Name).ToHashSet();

        Assert.Equal(15, bodies.Length);
        Assert.Equal(["at", "estimatedRepairCostYen", "loanerRequested", "makerReplacementImei", "note", "reason"], optional.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_import_records_line_fields_and_device_fields_are_required_but_its_device_is_optional()
    {
        Assert.Equal(
            ["lineId", "plan", "simType", "serviceStartDate", "warrantyOption"],
            RequestFields.Of(typeof(ImportRecord)).All.Where(f => f.Required).Select(f => f.Name));
        Assert.False(RequestFields.Of(typeof(ImportRecord)).IsRequired("device"));
        Assert.All(RequestFields.Of(typeof(ImportDevice)).All, f => Assert.True(f.Required));
        Assert.All(RequestFields.Of(typeof(DevicesApi.DeclarationsRequest)).All, f => Assert.True(f.Required));
    }
}
