import COpenBLAS
import Foundation

/// The dense products behind full-collection DESM: the scores of a block of documents for
/// one query (`sgemv`) or many (`sgemm`), through OpenBLAS, whose Debian build picks kernels
/// for the CPU it runs on (AVX-512, AVX2, or baseline x86-64) — so the default build is fast on
/// any x86-64 and still runs on one without AVX2. `DESM_KERNELS=portable` selects desm's own
/// SIMD loops (`VectorKernels.dot1`/`dot4`) instead; the tests rank with both and compare.
/// desm splits the documents between its own threads, so OpenBLAS runs single-threaded.
public enum DenseProducts {
    /// Whether OpenBLAS computes the products (read once, from `DESM_KERNELS`).
    static let usesBLAS: Bool = {
        if ProcessInfo.processInfo.environment["DESM_KERNELS"] == "portable" { return false }
        openblas_set_num_threads(1)
        return true
    }()

    /// What computes the products (benchmarks print it): OpenBLAS's configuration and the
    /// kernel it chose for this CPU, or the portable loops.
    public static var description: String {
        usesBLAS ? "OpenBLAS " + String(cString: openblas_get_config()) + " (" + String(cString: openblas_get_corename()) + ")"
                 : "portable SIMD loops (DESM_KERNELS=portable)"
    }

    /// scores[q·rowCount + r] = queries[q]·rows[r] for `queryCount` queries and `rowCount`
    /// rows of `dim` floats (row-major, contiguous).
    static func scores(queries: UnsafePointer<Float>, queryCount nq: Int, dim: Int,
                       rows: UnsafePointer<Float>, rowCount: Int, into scores: UnsafeMutablePointer<Float>) {
        guard nq > 0, rowCount > 0 else { return }
        if usesBLAS {
            let d = Int32(dim)
            if nq == 1 {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rowCount), d, 1, rows, d, queries, 1, 0, scores, 1)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(nq), Int32(rowCount), d,
                            1, queries, d, rows, d, 0, scores, Int32(rowCount))
            }
            return
        }
        var q = 0
        while q + 4 <= nq {
            VectorKernels.dot4(queries: queries + q * dim, n: dim, rows: rows, rowCount: rowCount,
                               scores: scores + q * rowCount, scoreStride: rowCount)
            q += 4
        }
        while q < nq {
            VectorKernels.dot1(query: queries + q * dim, n: dim, rows: rows, rowCount: rowCount, scores: scores + q * rowCount)
            q += 1
        }
    }
}
