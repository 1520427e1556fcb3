using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Api;

/// <summary>Decodes a <see cref="SubmitComparisonRequest"/> as schema 1 and 2 stores wrote it.</summary>
internal sealed class ProtobufRequestReader : IProtobufRequestReader
{
    public RunRequest Read(byte[] bytes) => RunMapping.ToRequest(SubmitComparisonRequest.Parser.ParseFrom(bytes));
}
