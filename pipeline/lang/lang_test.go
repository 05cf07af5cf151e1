package lang

import "testing"

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"english report", "Russian Foreign Minister Sergei Lavrov met his Turkish counterpart in Moscow on Tuesday, and the two agreed that talks on restoring ties between Ankara and Damascus would go on next month.", "en"},
		{"german report", "Der russische Außenminister Sergej Lawrow hat am Dienstag in Moskau seinen türkischen Amtskollegen getroffen. Die beiden wollen die Gespräche über die Beziehungen im nächsten Monat fortsetzen.", "de"},
		{"indonesian report", "Menteri luar negeri Rusia bertemu dengan rekannya dari Turki di Moskow pada hari Selasa. Namun pembicaraan tentang hubungan kedua negara akan dilanjutkan bulan depan, sementara para menteri pertahanan juga akan bertemu.", "id"},
		{"japanese report", "ロシアのラブロフ外相は火曜日、モスクワでトルコの外相と会談した。両国はシリアとの関係を回復するための協議を来月も続けることで一致した。会談は三時間に及んだという。関係者によると、次の会合は四月に開かれる見通しだ。", "ja"},
		// Names and figures read alike in every language: a table is undecided.
		{"results table", "CYCLING - TOUR OF NETHERLANDS FINAL RESULTS .\nLANDGRAAF 1996-08-30\n1. Erik Dekker ( Netherlands ) Rabobank 16:33:23\n2. Johan Museeuw ( Belgium ) Mapei 0:27\n3. Rolf Sorensen ( Denmark ) Rabobank 0:34", ""},
		{"one word over and over", "Net loss 1,071 loss 277\nShr loss $ 0.42 loss $ 0.21\nNet loss 1,967 loss 841 loss loss loss loss loss", ""},
		// A quote in another script does not change the report's language.
		{"english with an arabic quote", "قال الرئيس السوري بشار الأسد إن المحادثات مستمرة.\nSyrian President Bashar al-Assad met Russian Foreign Minister Sergei Lavrov in Damascus on Tuesday, and Turkey's envoy joined them for the talks, which were said to be the longest held between the three since the war began.", "en"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.text).Code; got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzDetect(f *testing.F) {
	f.Add("Russian Foreign Minister Sergei Lavrov met his Turkish counterpart in Moscow on Tuesday.")
	f.Add("\xff\xfe\x00 ١٢٣ 漢字")
	f.Fuzz(func(t *testing.T, text string) {
		d := Detect(text)
		if d.Code != "" && len(d.Code) != 2 {
			t.Errorf("Detect(%q).Code = %q, want a two-letter code or none", text, d.Code)
		}
	})
}
