using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// Reads a run's request as schema 1 and 2 stores held it, protobuf bytes of the API's request message, for the
/// migration to <see cref="StoredRequest"/>. Implemented where the API's types live (<c>Api/</c>).
/// </summary>
internal interface IProtobufRequestReader
{
    /// <summary>The request the bytes encode.</summary>
    RunRequest Read(byte[] bytes);
}
