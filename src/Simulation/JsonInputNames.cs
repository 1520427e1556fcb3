using System.Text.Json;

namespace NetnsPolicy.Simulation;

internal static class JsonInputNames
{
    public static string Snake(string pascal) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);
}
