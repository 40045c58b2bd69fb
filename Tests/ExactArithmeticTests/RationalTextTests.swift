import Testing
import ExactArithmetic

@Suite struct RationalTextTests {
    @Test(arguments: [
        ("-1.25e-3", "-1/800"), ("-3/2", "-3/2"), (".5", "1/2"), ("+7", "7"), ("0.0", "0"),
        ("-0", "0"), ("6/4", "3/2"), ("-6/-4", nil), ("1E2", "100"), ("2.50", "5/2"),
        ("0.1", "1/10"), ("00012", "12"), ("1e-0", "1"), ("12345678901234567890", "12345678901234567890"),
        ("0.6798577687061284", "1699644421765321/2500000000000000"),
    ] as [(String, String?)])
    func parsesExactly(text: String, expected: String?) throws {
        if let expected {
            #expect(try Rational(parsing: text).description == expected)
        } else {
            #expect(throws: RationalParseError.self) { try Rational(parsing: text) }
        }
    }

    @Test func parsesLongExactDecimals() throws {
        // The exact decimal expansion of the float32 nearest 0.1.
        let text = "0.100000001490116119384765625"
        #expect(try Rational(parsing: text) == Rational(exactly: Float(0.1))!)
        let huge = try Rational(parsing: "1e400")
        #expect(huge.description == "1" + String(repeating: "0", count: 400))
        #expect(try Rational(parsing: "-1e-400") * huge == -1)
    }

    @Test(arguments: [
        ("", "empty"), ("abc", "expected a decimal"), ("1/0", "zero denominator"), ("inf", "not finite"),
        ("-Infinity", "not finite"), ("NaN", "not finite"), ("1e", "missing exponent"), ("1.2.3", "unexpected"),
        ("0x10", "unexpected"), ("1e99999", "exponent too large"), ("1/2.5", "fraction"), (" 1", "expected a decimal"),
        ("1 ", "unexpected"), ("1/-2", "fraction"), ("--1", "expected a decimal"),
    ])
    func rejectsBadText(text: String, reason: String) {
        do {
            _ = try Rational(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.contains("is not an exact number"))
        }
    }

    @Test func rejectsAbsurdLengthWithoutWork() {
        let text = String(repeating: "9", count: Rational.maximumTextDigits + 1)
        #expect(throws: RationalParseError.self) { try Rational(parsing: text) }
    }

    @Test func descriptionRoundTrips() throws {
        let values: [Rational] = [0, 1, -1, Rational(-7, 3), Rational(exactly: 1e300)!, Rational(exactly: Double.leastNonzeroMagnitude)!]
        for v in values {
            #expect(try Rational(parsing: v.description) == v)
            #expect(Rational(v.description) == v)
        }
    }

    @Test func codableUsesFractionStrings() throws {
        let values = [Rational(-3, 2), Rational(5), Rational(exactly: 1e-300)!]
        let encoded = try JSONLikeCoding.encode(values)
        #expect(encoded.hasPrefix("[\"-3/2\",\"5\",\"6032057205060441/"))
        #expect(try JSONLikeCoding.decode(encoded) == values)
    }
}
