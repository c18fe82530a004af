namespace Atmos.Cache.Operations;

/// <summary>For the two-sided streaming save and restore: ending the other side after one failed.</summary>
internal static class TaskSettling
{
    /// <summary>Waits for a task whose failure no longer matters (the other side's error is the one thrown).</summary>
    public static async Task SettleAsync(this Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Expected after the other side failed: usually a cancellation.
        }
    }
}
