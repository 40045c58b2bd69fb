import Foundation
import Synchronization

/// `body(k)` for every `k` in `0..<count`, spread over every core; the results
/// in index order. Throws what a sequential loop would throw first: the
/// failure of the smallest failing index. The checks are independent of
/// each other, so the order they run in changes nothing they decide.
func checkInParallel<T: Sendable>(
    _ count: Int, _ body: @Sendable (Int) throws(CertificateCheckFailure) -> T
) throws(CertificateCheckFailure) -> [T] {
    let results = Mutex([T?](repeating: nil, count: count))
    let firstFailure = Mutex<(index: Int, failure: CertificateCheckFailure)?>(nil)
    // Chunks, not single indices: per-index dispatch costs more than a cheap check.
    let chunks = min(count, 8 * ProcessInfo.processInfo.activeProcessorCount)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
        var local: [(Int, T)] = []
        local.reserveCapacity(range.count)
        for k in range {
            // Indices after an earlier failure cannot change what is reported.
            if let known = firstFailure.withLock({ $0?.index }), known < k { break }
            do throws(CertificateCheckFailure) {
                local.append((k, try body(k)))
            } catch {
                firstFailure.withLock { if $0 == nil || k < $0!.index { $0 = (k, error) } }
                break
            }
        }
        results.withLock { all in for (k, value) in local { all[k] = value } }
    }
    if let failure = firstFailure.withLock({ $0 }) { throw failure.failure }
    return results.withLock { $0.map { $0! } }
}
