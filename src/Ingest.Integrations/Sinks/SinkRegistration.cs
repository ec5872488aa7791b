using Ingest.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Sinks;

public static class SinkRegistration
{
    /// <summary>
    /// The seams Core asks a sink through, each answered by one of the sink's singletons: its writer appends facts
    /// and reports its stats, its tables replace dimension rows, its circuit says whether it refuses for now.
    /// </summary>
    public static IServiceCollection AddSinkSeams<TWriter, TTables, TCircuit>(this IServiceCollection services)
        where TWriter : CoalescingWriter
        where TTables : class, ISinkTables
        where TCircuit : SinkCircuit
    {
        services.AddSingleton<TWriter>();
        services.AddSingleton<TTables>();
        services.AddSingleton<TCircuit>();
        services.AddSingleton<IFactSink>(sp => sp.GetRequiredService<TWriter>());
        services.AddSingleton<IWriterStats>(sp => sp.GetRequiredService<TWriter>());
        services.AddSingleton<ISinkTables>(sp => sp.GetRequiredService<TTables>());
        services.AddSingleton<ISinkAvailability>(sp => sp.GetRequiredService<TCircuit>());
        return services;
    }
}
