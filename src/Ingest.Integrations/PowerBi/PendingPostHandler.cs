namespace Ingest.Integrations.PowerBi;

/// <summary>Holds a <see cref="PendingPostGate"/> slot for every POST rows request until its answer arrives.</summary>
public sealed class PendingPostHandler(PendingPostGate gate) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath.EndsWith("/rows", StringComparison.Ordinal) != true)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        await using var slot = await gate.EnterAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
