using System.Data.Common;
using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>Turns a store's tables back into an older schema's layout, as that build wrote them, to test the migrations.</summary>
internal static class SchemaDowngrade
{
    /// <summary>Schema 3's results: the JSON as text in <c>results.json</c>, no <c>body</c>. Returns the JSON by key.</summary>
    public static Dictionary<string, string> ResultsToText(DbConnection connection)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT key, body FROM results";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                results[reader.GetString(0)] = ResultCompression.Decompress((byte[])reader.GetValue(1));
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = "ALTER TABLE results ADD COLUMN json TEXT NOT NULL DEFAULT ''";
        command.ExecuteNonQuery();
        command.CommandText = "UPDATE results SET json = @json WHERE key = @key";
        var json = command.CreateParameter();
        json.ParameterName = "@json";
        var key = command.CreateParameter();
        key.ParameterName = "@key";
        command.Parameters.Add(json);
        command.Parameters.Add(key);
        foreach (var (k, v) in results)
        {
            key.Value = k;
            json.Value = v;
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = "ALTER TABLE results DROP COLUMN body";
        command.ExecuteNonQuery();
        return results;
    }
}
