using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Service.Api;

/// <summary>CatalogService: the policies the catalog holds now and the shipped kernel profiles.</summary>
internal sealed class CatalogApi(IPolicyCatalog catalog) : CatalogService.CatalogServiceBase
{
    public override Task<ListPoliciesResponse> ListPolicies(ListPoliciesRequest request, ServerCallContext context) =>
        Task.FromResult(Policies(catalog));

    public override Task<ListKernelProfilesResponse> ListKernelProfiles(ListKernelProfilesRequest request, ServerCallContext context) =>
        Task.FromResult(Profiles());

    /// <summary>Every policy the catalog holds now.</summary>
    internal static ListPoliciesResponse Policies(IPolicyCatalog catalog)
    {
        var response = new ListPoliciesResponse { EngineVersion = SimulationEngine.Version, SdkVersion = SdkInfo.Version.ToString() };
        foreach (var p in catalog.List())
        {
            var info = new Contracts.V1.PolicyInfo
            {
                Id = p.Id,
                Version = p.Version.ToString(),
                Description = p.Description,
                SdkMajor = p.SdkMajor,
                AssemblyHash = p.AssemblyHash,
                Source = p.Source,
                Trust = p.Trust,
                Quarantined = p.Quarantined ?? "",
            };
            info.DecisionPoints.Add(Enum.GetValues<DecisionPoint>().Where(d => d != DecisionPoint.None && p.Overrides.HasFlag(d)).Select(d => d.ToString()));
            info.Parameters.Add(p.Parameters.Select(s => new ParameterInfo
            {
                Name = s.Name,
                Kind = s.Kind switch
                {
                    Sdk.ParameterKind.Integer => Contracts.V1.ParameterKind.Integer,
                    Sdk.ParameterKind.Real => Contracts.V1.ParameterKind.Real,
                    Sdk.ParameterKind.Boolean => Contracts.V1.ParameterKind.Boolean,
                    _ => Contracts.V1.ParameterKind.Unspecified,
                },
                DefaultValue = s.Default,
                Min = s.Min,
                Max = s.Max,
                Description = s.Description,
            }));
            response.Policies.Add(info);
        }

        return response;
    }

    /// <summary>The shipped kernel profiles.</summary>
    internal static ListKernelProfilesResponse Profiles()
    {
        var response = new ListKernelProfilesResponse();
        response.Profiles.Add(KernelProfileLoader.BuiltInIds.Select(id => new KernelProfileInfo { Id = id, Json = KernelProfileLoader.ReadBuiltIn(id) ?? "" }));
        return response;
    }
}
