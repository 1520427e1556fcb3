using System.Text.Json;
using System.Text.Json.Serialization;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>Writes a profile in the profile format (snake_case), readable by <see cref="KernelProfileLoader"/>.</summary>
public static class ProfileWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(KernelProfile profile)
    {
        var json = JsonSerializer.Serialize(profile, Options) + "\n";
        KernelProfileLoader.Parse(json);
        return json;
    }
}
