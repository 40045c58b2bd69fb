import Foundation
import NeuralNetwork
import Testing

/// `Gzip` against GNU gzip's bytes, and on every way a compressed file can be
/// broken: an error naming the problem, never a crash, never more than the limit.
@Suite struct GzipTests {
    /// `printf 'hello\n' | gzip -n`, written by GNU gzip 1.12 (an independent compressor).
    static let gnuHello: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0xE7,
        0x02, 0x00, 0x20, 0x30, 0x3A, 0x36, 0x06, 0x00, 0x00, 0x00,
    ]

    @Test func readsWhatGNUGzipWrites() throws {
        let data = Data(Self.gnuHello)
        #expect(Gzip.isCompressed(data))
        #expect(try Gzip.decompress(data, limit: 100, what: "x") == Data("hello\n".utf8))
    }

    /// Round trips of text, binary and empty input, at every level; the same
    /// input compresses to the same bytes.
    @Test(arguments: [1, 6, 9])
    func roundTrips(level: Int32) throws {
        var generator = SystemRandomNumberGenerator()
        let inputs = [Data(), Data("hello\n".utf8), Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }),
                      Data(String(repeating: "{\"p\":\"-22/7\"},", count: 300_000).utf8)]
        for input in inputs {
            let compressed = Gzip.compress(input, level: level)
            #expect(Gzip.isCompressed(compressed))
            #expect(try Gzip.decompress(compressed, limit: input.count, what: "x") == input)
            #expect(Gzip.compress(input, level: level) == compressed)
        }
    }

    /// Every prefix is refused as truncated or corrupt; a changed byte in the
    /// data or its checksum is refused as corrupt.
    @Test func brokenFilesAreRefused() throws {
        let input = Data(String(repeating: "[\"1/3\",\"-5/8\"],", count: 2_000).utf8)
        let compressed = [UInt8](Gzip.compress(input))
        for end in 0..<compressed.count {
            #expect(throws: InputError.self, "prefix of \(end) bytes") {
                try Gzip.decompress(Data(compressed[..<end]), limit: 1 << 20, what: "x")
            }
        }
        for i in stride(from: 10, to: compressed.count, by: 7) {
            var changed = compressed
            changed[i] ^= 0x55
            #expect(throws: InputError.self, "byte \(i) changed") { try Gzip.decompress(Data(changed), limit: 1 << 20, what: "x") }
        }
    }

    /// A second member, or any byte after the member, would give other
    /// readers (`zcat` joins members) other bytes: refused.
    @Test func onlyOneMemberAndNothingAfterIt() throws {
        let one = Gzip.compress(Data("a".utf8))
        for bad in [one + one, one + Data([0]), one + Data(Self.gnuHello)] {
            do {
                _ = try Gzip.decompress(bad, limit: 100, what: "certificate 'x.gz'")
                Issue.record("accepted \(bad.count) bytes")
            } catch {
                #expect(error.message.contains("follow the gzip member"), "\(error.message)")
            }
        }
    }

    /// 64 MB of zeros compress to about 64 KB; with a limit of 1 MB the
    /// decompression stops, naming the limit.
    @Test func aBombStopsAtTheLimit() throws {
        let bomb = Gzip.compress(Data(count: 64 << 20), level: 9)
        #expect(bomb.count < 100_000)
        do {
            _ = try Gzip.decompress(bomb, limit: 1 << 20, what: "certificate 'bomb.gz'")
            Issue.record("a bomb was decompressed")
        } catch {
            #expect(error.message.contains("decompresses to more than the supported 1,048,576 bytes"), "\(error.message)")
        }
    }
}
