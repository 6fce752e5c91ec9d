using Orleans.GrainReferences;
using Orleans.Metadata;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// References to device grains for the hot path. <c>IGrainFactory.GetGrain&lt;IDeviceGrain&gt;(imei)</c> resolves the
/// interface's grain type through its attributes on every call (reflection, type-name formatting: about 3% of a warm
/// lookup's CPU in a profile); this resolves it once, on first use, and then only builds the reference.
/// </summary>
public sealed class DeviceGrains(GrainReferenceActivator references, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver grainTypes)
{
    private (GrainInterfaceType Interface, GrainType Grain)? _types;

    public IDeviceGrain Get(string imei)
    {
        var (interfaceType, grainType) = _types ??= Resolve();
        return (IDeviceGrain)(object)references.CreateReference(GrainId.Create(grainType, IdSpan.Create(imei)), interfaceType);
    }

    private (GrainInterfaceType, GrainType) Resolve()
    {
        var interfaceType = interfaces.GetGrainInterfaceType(typeof(IDeviceGrain));
        return (interfaceType, grainTypes.GetGrainType(interfaceType));
    }
}
