import DesmText
import Foundation
import Glibc

/// Reads documents on its own thread into a small bounded queue of batches, so that parsing
/// overlaps analysis. Errors are handed over in order and rethrown by `take`.
///
/// The thread is a plain pthread that holds the reader (one retain, released when the thread
/// ends) and nothing else holds the thread: there is no reference cycle, and `stop()` (which
/// every caller runs in a `defer` right after `start()`) ends and joins the thread on every
/// path, so that a failed build frees the reader, its collection reader and the documents.
final class BatchReader: @unchecked Sendable {
    private let batchSize: Int
    private let next: () throws -> Document?
    private let condition = NSCondition()
    private var queue: [Result<[Document], Error>] = []
    private var finished = false
    private var stopping = false
    private let capacity = 3
    private var thread: pthread_t?

    init(batchSize: Int, next: @escaping () throws -> Document?) {
        self.batchSize = batchSize
        self.next = next
    }

    /// Only reached once the thread has ended (it holds the reader until then); joins were
    /// done by `stop()`, this only keeps a forgotten `stop()` from leaking the thread's slot.
    deinit { if let t = thread { pthread_detach(t) } }

    /// Starts the reading thread (8 MB stack: deeply nested JSON/XML is parsed there).
    func start() throws {
        precondition(thread == nil, "BatchReader started twice")
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 8 << 20)
        let context = Unmanaged.passRetained(self).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, &attributes, { context in
            let reader = Unmanaged<BatchReader>.fromOpaque(context!).takeRetainedValue()
            reader.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<BatchReader>.fromOpaque(context).release()
            throw DesmError("cannot start the collection reader thread: \(String(cString: strerror(rc)))")
        }
        thread = t
    }

    private func run() {
        var done = false
        while !done {
            var batch: [Document] = []
            batch.reserveCapacity(batchSize)
            var item: Result<[Document], Error>
            do {
                while batch.count < batchSize, let d = try next() { batch.append(d) }
                done = batch.count < batchSize
                item = .success(batch)
            } catch {
                item = .failure(error)
                done = true
            }
            condition.lock()
            while queue.count >= capacity && !stopping { condition.wait() }
            if stopping { condition.unlock(); break }
            queue.append(item)
            if done { finished = true }
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next non-empty batch, nil at the end.
    func take() throws -> [Document]? {
        while true {
            condition.lock()
            while queue.isEmpty && !finished { condition.wait() }
            if queue.isEmpty { condition.unlock(); return nil }
            let item = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            let batch = try item.get()
            if !batch.isEmpty { return batch }
        }
    }

    /// Asks the thread to stop, waits until it has ended (joined) and drops what it had
    /// queued. Idempotent; a no-op if the thread was never started.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
        condition.lock()
        queue.removeAll()
        condition.unlock()
    }
}
