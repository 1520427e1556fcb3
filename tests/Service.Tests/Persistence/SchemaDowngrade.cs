using System.Data.Common;
using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>Turns a store's tables back into an older schema's layout, as that build wrote them, to test the migrations.</summary>
internal static class SchemaDowngrade
{
    /// <summary>
    /// Schema 3's layout: result JSON as text in <c>results.json</c> and reports in <c>runs.report</c>, no gzipped
    /// columns. Returns the result JSON by key.
    /// </summary>
    public static Dictionary<string, string> ToSchema3(DbConnection connection)
    {
        Decompress(connection, "runs", "id", "report_body", "report TEXT");
        return Decompress(connection, "results", "key", "body", "json TEXT NOT NULL DEFAULT ''");
    }

    private static Dictionary<string, string> Decompress(DbConnection connection, string table, string key, string from, string to)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT {key}, {from} FROM {table} WHERE {from} IS NOT NULL";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                values[reader.GetString(0)] = ResultCompression.Decompress((byte[])reader.GetValue(1));
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"ALTER TABLE {table} ADD COLUMN {to}";
        command.ExecuteNonQuery();
        command.CommandText = $"UPDATE {table} SET {to[..to.IndexOf(' ', StringComparison.Ordinal)]} = @value WHERE {key} = @key";
        var value = command.CreateParameter();
        value.ParameterName = "@value";
        var id = command.CreateParameter();
        id.ParameterName = "@key";
        command.Parameters.Add(value);
        command.Parameters.Add(id);
        foreach (var (k, v) in values)
        {
            id.Value = k;
            value.Value = v;
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = $"ALTER TABLE {table} DROP COLUMN {from}";
        command.ExecuteNonQuery();
        return values;
    }
}
