import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` of every element, on every core, in the array's order:
    /// the same result as `map`, for independent work (each search step
    /// depends only on its element, so the certificate does not change).
    package func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let results = Mutex([T?](repeating: nil, count: count))
        // Chunks, not single elements: per-element dispatch costs more than a cheap step.
        let chunks = Swift.min(count, 8 * ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
            let local = range.map { transform(self[$0]) }
            results.withLock { all in for (k, value) in zip(range, local) { all[k] = value } }
        }
        return results.withLock { $0.map { $0! } }
    }
}
