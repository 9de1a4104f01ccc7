/*
 * names.c
 *		Company-name keys (see names.h for the definition, step by step).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.  The character tables here are deliberately small and explicit:
 * NFKC (done by the caller) already maps full-width letters, digits and
 * punctuation, circled and parenthesized forms (㈱ is "(株)") and most
 * compatibility characters onto plain ones, so what is left to classify is
 * white space, punctuation and symbols.
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

/* Class of a code point below U+0080. */
static NameCharClass
ascii_class(uint32_t cp)
{
	if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
		return NAME_CHAR_KEEP;
	if (cp == '.' || cp == '\'' || cp == '-')
		return NAME_CHAR_DROP;
	/* controls, space and all other punctuation */
	return NAME_CHAR_BREAK;
}

NameCharClass
names_char_class(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_class(cp);
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: a letter of its own */
		return NAME_CHAR_KEEP;
	if (cp <= 0x9F || cp == 0xA0)	/* C1 controls (with NEL), no-break space */
		return NAME_CHAR_BREAK;
	if (cp == 0xAD || cp == 0xB7)	/* soft hyphen, middle dot */
		return NAME_CHAR_DROP;
	if (cp == 0xB4)				/* acute accent, typed for an apostrophe */
		return NAME_CHAR_DROP;
	if (cp <= 0xBF)
	{
		/* Latin-1 punctuation and symbols; ª µ º and the digits stay */
		if (cp == 0xAA || cp == 0xB5 || cp == 0xBA ||
			cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE))
			return NAME_CHAR_KEEP;
		return NAME_CHAR_BREAK;
	}
	if (cp == 0xD7 || cp == 0xF7)	/* multiplication and division signs */
		return NAME_CHAR_BREAK;

	/*
	 * Spacing accents and other modifier symbols (NFKC writes most of them as
	 * a space and a combining mark, which breaks the same way): ˂-˅, ˒-˟,
	 * ˥-˫, ˭, ˯-˿, the Greek ͺ ΅ and the polytonic breathings and accents;
	 * the tonos ΄ and oxia ´ are acute accents and vanish like ´.
	 */
	if ((cp >= 0x2C2 && cp <= 0x2C5) || (cp >= 0x2D2 && cp <= 0x2DF) ||
		(cp >= 0x2E5 && cp <= 0x2EB) || cp == 0x2ED || (cp >= 0x2EF && cp <= 0x2FF) ||
		cp == 0x37A || cp == 0x385 || cp == 0x1FBD || (cp >= 0x1FBF && cp <= 0x1FC1) ||
		(cp >= 0x1FCD && cp <= 0x1FCF) || (cp >= 0x1FDD && cp <= 0x1FDF) ||
		(cp >= 0x1FED && cp <= 0x1FEF) || cp == 0x1FFE)
		return NAME_CHAR_BREAK;
	if (cp == 0x384 || cp == 0x1FFD)
		return NAME_CHAR_DROP;
	if (cp == 0x2BC || cp == 0x34F || cp == 0x180E)	/* modifier apostrophe, CGJ, MVS */
		return NAME_CHAR_DROP;
	if (cp == 0x1680)			/* ogham space */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2000 && cp <= 0x206F)
	{
		/* General Punctuation */
		if (cp <= 0x200A)		/* spaces */
			return NAME_CHAR_BREAK;
		if (cp <= 0x200F)		/* zero width space, joiners, direction marks */
			return NAME_CHAR_DROP;
		if (cp <= 0x2013)		/* hyphens, figure dash, en dash */
			return NAME_CHAR_DROP;
		if (cp == 0x2019 || cp == 0x2027)	/* apostrophe, hyphenation point */
			return NAME_CHAR_DROP;
		if (cp >= 0x202A && cp <= 0x202E)	/* bidirectional embedding */
			return NAME_CHAR_DROP;
		if (cp >= 0x2060)		/* word joiner, invisible operators, isolates */
			return NAME_CHAR_DROP;
		return NAME_CHAR_BREAK; /* em dash, quotes, bullets, line separators, ... */
	}
	if (cp >= 0x20A0 && cp <= 0x20CF)	/* currency signs */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2190 && cp <= 0x2BFF)	/* arrows, mathematical and technical
										 * symbols, box drawing, shapes, dingbats */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2E00 && cp <= 0x2E7F)	/* supplemental punctuation */
		return NAME_CHAR_BREAK;
	if (cp >= 0x3000 && cp <= 0x303F)
	{
		/* CJK Symbols and Punctuation: 々 〆 〇 and the marks after 〡 stay */
		if (cp <= 0x3004 || (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 || cp == 0x303D)
			return NAME_CHAR_BREAK;
		return NAME_CHAR_KEEP;
	}
	if (cp == 0x309B || cp == 0x309C)	/* spacing voiced sound marks ゛ ゜ */
		return NAME_CHAR_BREAK;
	if (cp == 0x30A0)			/* katakana-hiragana double hyphen */
		return NAME_CHAR_BREAK;
	if (cp == 0x30FB || cp == 0xFF65)	/* katakana middle dot ・ */
		return NAME_CHAR_DROP;
	if (cp >= 0xFE00 && cp <= 0xFE0F)	/* variation selectors */
		return NAME_CHAR_DROP;
	if (cp >= 0xFE10 && cp <= 0xFE6F)	/* vertical, compatibility and small forms */
		return NAME_CHAR_BREAK;
	if (cp == 0xFEFF)			/* byte order mark */
		return NAME_CHAR_DROP;
	if (cp >= 0xFF01 && cp <= 0xFF64)
	{
		/* full-width ASCII (when not NFKC normalized) */
		if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
			(cp >= 0xFF41 && cp <= 0xFF5A))
			return NAME_CHAR_KEEP;
		if (cp == 0xFF07 || cp == 0xFF0D || cp == 0xFF0E)
			return NAME_CHAR_DROP;
		return NAME_CHAR_BREAK;
	}
	if (cp >= 0xFFE0 && cp <= 0xFFEE)	/* full-width signs ￠ ￡ ￢ ￣ ￤ ￥ ￦, half-width forms */
		return NAME_CHAR_BREAK;
	if (cp >= 0xFFF0 && cp <= 0xFFFF)	/* specials, replacement character */
		return NAME_CHAR_BREAK;
	if (cp >= 0x1F000 && cp <= 0x1FAFF)	/* emoji and other pictographs */
		return NAME_CHAR_BREAK;
	if ((cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF))
		return NAME_CHAR_DROP;	/* tags, variation selectors supplement */
	return NAME_CHAR_KEEP;
}

/*
 * Upper case (and title case) letters of Latin Extended-B and Additional,
 * Greek and Greek Extended, Cyrillic and its supplements and extensions, and
 * Latin Extended-C and -D, with their simple lower case mapping: the pairs
 * whose lower case is one code point (Unicode 14.0, Python's str.lower(), a
 * fixed table so that a key does not depend on the server's locale or ICU).
 * Sorted by the upper case letter; read where the ranges below do not answer.
 */
static const uint32_t names_lower_pairs[][2] = {
	{0x0181, 0x0253}, {0x0182, 0x0183}, {0x0184, 0x0185}, {0x0186, 0x0254}, {0x0187, 0x0188}, {0x0189, 0x0256},
	{0x018A, 0x0257}, {0x018B, 0x018C}, {0x018E, 0x01DD}, {0x018F, 0x0259}, {0x0190, 0x025B}, {0x0191, 0x0192},
	{0x0193, 0x0260}, {0x0194, 0x0263}, {0x0196, 0x0269}, {0x0197, 0x0268}, {0x0198, 0x0199}, {0x019C, 0x026F},
	{0x019D, 0x0272}, {0x019F, 0x0275}, {0x01A0, 0x01A1}, {0x01A2, 0x01A3}, {0x01A4, 0x01A5}, {0x01A6, 0x0280},
	{0x01A7, 0x01A8}, {0x01A9, 0x0283}, {0x01AC, 0x01AD}, {0x01AE, 0x0288}, {0x01AF, 0x01B0}, {0x01B1, 0x028A},
	{0x01B2, 0x028B}, {0x01B3, 0x01B4}, {0x01B5, 0x01B6}, {0x01B7, 0x0292}, {0x01B8, 0x01B9}, {0x01BC, 0x01BD},
	{0x01C4, 0x01C6}, {0x01C5, 0x01C6}, {0x01C7, 0x01C9}, {0x01C8, 0x01C9}, {0x01CA, 0x01CC}, {0x01CB, 0x01CC},
	{0x01CD, 0x01CE}, {0x01CF, 0x01D0}, {0x01D1, 0x01D2}, {0x01D3, 0x01D4}, {0x01D5, 0x01D6}, {0x01D7, 0x01D8},
	{0x01D9, 0x01DA}, {0x01DB, 0x01DC}, {0x01DE, 0x01DF}, {0x01E0, 0x01E1}, {0x01E2, 0x01E3}, {0x01E4, 0x01E5},
	{0x01E6, 0x01E7}, {0x01E8, 0x01E9}, {0x01EA, 0x01EB}, {0x01EC, 0x01ED}, {0x01EE, 0x01EF}, {0x01F1, 0x01F3},
	{0x01F2, 0x01F3}, {0x01F4, 0x01F5}, {0x01F6, 0x0195}, {0x01F7, 0x01BF}, {0x01F8, 0x01F9}, {0x01FA, 0x01FB},
	{0x01FC, 0x01FD}, {0x01FE, 0x01FF}, {0x0200, 0x0201}, {0x0202, 0x0203}, {0x0204, 0x0205}, {0x0206, 0x0207},
	{0x0208, 0x0209}, {0x020A, 0x020B}, {0x020C, 0x020D}, {0x020E, 0x020F}, {0x0210, 0x0211}, {0x0212, 0x0213},
	{0x0214, 0x0215}, {0x0216, 0x0217}, {0x0218, 0x0219}, {0x021A, 0x021B}, {0x021C, 0x021D}, {0x021E, 0x021F},
	{0x0220, 0x019E}, {0x0222, 0x0223}, {0x0224, 0x0225}, {0x0226, 0x0227}, {0x0228, 0x0229}, {0x022A, 0x022B},
	{0x022C, 0x022D}, {0x022E, 0x022F}, {0x0230, 0x0231}, {0x0232, 0x0233}, {0x023A, 0x2C65}, {0x023B, 0x023C},
	{0x023D, 0x019A}, {0x023E, 0x2C66}, {0x0241, 0x0242}, {0x0243, 0x0180}, {0x0244, 0x0289}, {0x0245, 0x028C},
	{0x0246, 0x0247}, {0x0248, 0x0249}, {0x024A, 0x024B}, {0x024C, 0x024D}, {0x024E, 0x024F}, {0x0370, 0x0371},
	{0x0372, 0x0373}, {0x0376, 0x0377}, {0x037F, 0x03F3}, {0x0386, 0x03AC}, {0x0388, 0x03AD}, {0x0389, 0x03AE},
	{0x038A, 0x03AF}, {0x038C, 0x03CC}, {0x038E, 0x03CD}, {0x038F, 0x03CE}, {0x0391, 0x03B1}, {0x0392, 0x03B2},
	{0x0393, 0x03B3}, {0x0394, 0x03B4}, {0x0395, 0x03B5}, {0x0396, 0x03B6}, {0x0397, 0x03B7}, {0x0398, 0x03B8},
	{0x0399, 0x03B9}, {0x039A, 0x03BA}, {0x039B, 0x03BB}, {0x039C, 0x03BC}, {0x039D, 0x03BD}, {0x039E, 0x03BE},
	{0x039F, 0x03BF}, {0x03A0, 0x03C0}, {0x03A1, 0x03C1}, {0x03A3, 0x03C3}, {0x03A4, 0x03C4}, {0x03A5, 0x03C5},
	{0x03A6, 0x03C6}, {0x03A7, 0x03C7}, {0x03A8, 0x03C8}, {0x03A9, 0x03C9}, {0x03AA, 0x03CA}, {0x03AB, 0x03CB},
	{0x03CF, 0x03D7}, {0x03D8, 0x03D9}, {0x03DA, 0x03DB}, {0x03DC, 0x03DD}, {0x03DE, 0x03DF}, {0x03E0, 0x03E1},
	{0x03E2, 0x03E3}, {0x03E4, 0x03E5}, {0x03E6, 0x03E7}, {0x03E8, 0x03E9}, {0x03EA, 0x03EB}, {0x03EC, 0x03ED},
	{0x03EE, 0x03EF}, {0x03F4, 0x03B8}, {0x03F7, 0x03F8}, {0x03F9, 0x03F2}, {0x03FA, 0x03FB}, {0x03FD, 0x037B},
	{0x03FE, 0x037C}, {0x03FF, 0x037D}, {0x0400, 0x0450}, {0x0401, 0x0451}, {0x0402, 0x0452}, {0x0403, 0x0453},
	{0x0404, 0x0454}, {0x0405, 0x0455}, {0x0406, 0x0456}, {0x0407, 0x0457}, {0x0408, 0x0458}, {0x0409, 0x0459},
	{0x040A, 0x045A}, {0x040B, 0x045B}, {0x040C, 0x045C}, {0x040D, 0x045D}, {0x040E, 0x045E}, {0x040F, 0x045F},
	{0x0410, 0x0430}, {0x0411, 0x0431}, {0x0412, 0x0432}, {0x0413, 0x0433}, {0x0414, 0x0434}, {0x0415, 0x0435},
	{0x0416, 0x0436}, {0x0417, 0x0437}, {0x0418, 0x0438}, {0x0419, 0x0439}, {0x041A, 0x043A}, {0x041B, 0x043B},
	{0x041C, 0x043C}, {0x041D, 0x043D}, {0x041E, 0x043E}, {0x041F, 0x043F}, {0x0420, 0x0440}, {0x0421, 0x0441},
	{0x0422, 0x0442}, {0x0423, 0x0443}, {0x0424, 0x0444}, {0x0425, 0x0445}, {0x0426, 0x0446}, {0x0427, 0x0447},
	{0x0428, 0x0448}, {0x0429, 0x0449}, {0x042A, 0x044A}, {0x042B, 0x044B}, {0x042C, 0x044C}, {0x042D, 0x044D},
	{0x042E, 0x044E}, {0x042F, 0x044F}, {0x0460, 0x0461}, {0x0462, 0x0463}, {0x0464, 0x0465}, {0x0466, 0x0467},
	{0x0468, 0x0469}, {0x046A, 0x046B}, {0x046C, 0x046D}, {0x046E, 0x046F}, {0x0470, 0x0471}, {0x0472, 0x0473},
	{0x0474, 0x0475}, {0x0476, 0x0477}, {0x0478, 0x0479}, {0x047A, 0x047B}, {0x047C, 0x047D}, {0x047E, 0x047F},
	{0x0480, 0x0481}, {0x048A, 0x048B}, {0x048C, 0x048D}, {0x048E, 0x048F}, {0x0490, 0x0491}, {0x0492, 0x0493},
	{0x0494, 0x0495}, {0x0496, 0x0497}, {0x0498, 0x0499}, {0x049A, 0x049B}, {0x049C, 0x049D}, {0x049E, 0x049F},
	{0x04A0, 0x04A1}, {0x04A2, 0x04A3}, {0x04A4, 0x04A5}, {0x04A6, 0x04A7}, {0x04A8, 0x04A9}, {0x04AA, 0x04AB},
	{0x04AC, 0x04AD}, {0x04AE, 0x04AF}, {0x04B0, 0x04B1}, {0x04B2, 0x04B3}, {0x04B4, 0x04B5}, {0x04B6, 0x04B7},
	{0x04B8, 0x04B9}, {0x04BA, 0x04BB}, {0x04BC, 0x04BD}, {0x04BE, 0x04BF}, {0x04C0, 0x04CF}, {0x04C1, 0x04C2},
	{0x04C3, 0x04C4}, {0x04C5, 0x04C6}, {0x04C7, 0x04C8}, {0x04C9, 0x04CA}, {0x04CB, 0x04CC}, {0x04CD, 0x04CE},
	{0x04D0, 0x04D1}, {0x04D2, 0x04D3}, {0x04D4, 0x04D5}, {0x04D6, 0x04D7}, {0x04D8, 0x04D9}, {0x04DA, 0x04DB},
	{0x04DC, 0x04DD}, {0x04DE, 0x04DF}, {0x04E0, 0x04E1}, {0x04E2, 0x04E3}, {0x04E4, 0x04E5}, {0x04E6, 0x04E7},
	{0x04E8, 0x04E9}, {0x04EA, 0x04EB}, {0x04EC, 0x04ED}, {0x04EE, 0x04EF}, {0x04F0, 0x04F1}, {0x04F2, 0x04F3},
	{0x04F4, 0x04F5}, {0x04F6, 0x04F7}, {0x04F8, 0x04F9}, {0x04FA, 0x04FB}, {0x04FC, 0x04FD}, {0x04FE, 0x04FF},
	{0x0500, 0x0501}, {0x0502, 0x0503}, {0x0504, 0x0505}, {0x0506, 0x0507}, {0x0508, 0x0509}, {0x050A, 0x050B},
	{0x050C, 0x050D}, {0x050E, 0x050F}, {0x0510, 0x0511}, {0x0512, 0x0513}, {0x0514, 0x0515}, {0x0516, 0x0517},
	{0x0518, 0x0519}, {0x051A, 0x051B}, {0x051C, 0x051D}, {0x051E, 0x051F}, {0x0520, 0x0521}, {0x0522, 0x0523},
	{0x0524, 0x0525}, {0x0526, 0x0527}, {0x0528, 0x0529}, {0x052A, 0x052B}, {0x052C, 0x052D}, {0x052E, 0x052F},
	{0x1E00, 0x1E01}, {0x1E02, 0x1E03}, {0x1E04, 0x1E05}, {0x1E06, 0x1E07}, {0x1E08, 0x1E09}, {0x1E0A, 0x1E0B},
	{0x1E0C, 0x1E0D}, {0x1E0E, 0x1E0F}, {0x1E10, 0x1E11}, {0x1E12, 0x1E13}, {0x1E14, 0x1E15}, {0x1E16, 0x1E17},
	{0x1E18, 0x1E19}, {0x1E1A, 0x1E1B}, {0x1E1C, 0x1E1D}, {0x1E1E, 0x1E1F}, {0x1E20, 0x1E21}, {0x1E22, 0x1E23},
	{0x1E24, 0x1E25}, {0x1E26, 0x1E27}, {0x1E28, 0x1E29}, {0x1E2A, 0x1E2B}, {0x1E2C, 0x1E2D}, {0x1E2E, 0x1E2F},
	{0x1E30, 0x1E31}, {0x1E32, 0x1E33}, {0x1E34, 0x1E35}, {0x1E36, 0x1E37}, {0x1E38, 0x1E39}, {0x1E3A, 0x1E3B},
	{0x1E3C, 0x1E3D}, {0x1E3E, 0x1E3F}, {0x1E40, 0x1E41}, {0x1E42, 0x1E43}, {0x1E44, 0x1E45}, {0x1E46, 0x1E47},
	{0x1E48, 0x1E49}, {0x1E4A, 0x1E4B}, {0x1E4C, 0x1E4D}, {0x1E4E, 0x1E4F}, {0x1E50, 0x1E51}, {0x1E52, 0x1E53},
	{0x1E54, 0x1E55}, {0x1E56, 0x1E57}, {0x1E58, 0x1E59}, {0x1E5A, 0x1E5B}, {0x1E5C, 0x1E5D}, {0x1E5E, 0x1E5F},
	{0x1E60, 0x1E61}, {0x1E62, 0x1E63}, {0x1E64, 0x1E65}, {0x1E66, 0x1E67}, {0x1E68, 0x1E69}, {0x1E6A, 0x1E6B},
	{0x1E6C, 0x1E6D}, {0x1E6E, 0x1E6F}, {0x1E70, 0x1E71}, {0x1E72, 0x1E73}, {0x1E74, 0x1E75}, {0x1E76, 0x1E77},
	{0x1E78, 0x1E79}, {0x1E7A, 0x1E7B}, {0x1E7C, 0x1E7D}, {0x1E7E, 0x1E7F}, {0x1E80, 0x1E81}, {0x1E82, 0x1E83},
	{0x1E84, 0x1E85}, {0x1E86, 0x1E87}, {0x1E88, 0x1E89}, {0x1E8A, 0x1E8B}, {0x1E8C, 0x1E8D}, {0x1E8E, 0x1E8F},
	{0x1E90, 0x1E91}, {0x1E92, 0x1E93}, {0x1E94, 0x1E95}, {0x1E9E, 0x00DF}, {0x1EA0, 0x1EA1}, {0x1EA2, 0x1EA3},
	{0x1EA4, 0x1EA5}, {0x1EA6, 0x1EA7}, {0x1EA8, 0x1EA9}, {0x1EAA, 0x1EAB}, {0x1EAC, 0x1EAD}, {0x1EAE, 0x1EAF},
	{0x1EB0, 0x1EB1}, {0x1EB2, 0x1EB3}, {0x1EB4, 0x1EB5}, {0x1EB6, 0x1EB7}, {0x1EB8, 0x1EB9}, {0x1EBA, 0x1EBB},
	{0x1EBC, 0x1EBD}, {0x1EBE, 0x1EBF}, {0x1EC0, 0x1EC1}, {0x1EC2, 0x1EC3}, {0x1EC4, 0x1EC5}, {0x1EC6, 0x1EC7},
	{0x1EC8, 0x1EC9}, {0x1ECA, 0x1ECB}, {0x1ECC, 0x1ECD}, {0x1ECE, 0x1ECF}, {0x1ED0, 0x1ED1}, {0x1ED2, 0x1ED3},
	{0x1ED4, 0x1ED5}, {0x1ED6, 0x1ED7}, {0x1ED8, 0x1ED9}, {0x1EDA, 0x1EDB}, {0x1EDC, 0x1EDD}, {0x1EDE, 0x1EDF},
	{0x1EE0, 0x1EE1}, {0x1EE2, 0x1EE3}, {0x1EE4, 0x1EE5}, {0x1EE6, 0x1EE7}, {0x1EE8, 0x1EE9}, {0x1EEA, 0x1EEB},
	{0x1EEC, 0x1EED}, {0x1EEE, 0x1EEF}, {0x1EF0, 0x1EF1}, {0x1EF2, 0x1EF3}, {0x1EF4, 0x1EF5}, {0x1EF6, 0x1EF7},
	{0x1EF8, 0x1EF9}, {0x1EFA, 0x1EFB}, {0x1EFC, 0x1EFD}, {0x1EFE, 0x1EFF}, {0x1F08, 0x1F00}, {0x1F09, 0x1F01},
	{0x1F0A, 0x1F02}, {0x1F0B, 0x1F03}, {0x1F0C, 0x1F04}, {0x1F0D, 0x1F05}, {0x1F0E, 0x1F06}, {0x1F0F, 0x1F07},
	{0x1F18, 0x1F10}, {0x1F19, 0x1F11}, {0x1F1A, 0x1F12}, {0x1F1B, 0x1F13}, {0x1F1C, 0x1F14}, {0x1F1D, 0x1F15},
	{0x1F28, 0x1F20}, {0x1F29, 0x1F21}, {0x1F2A, 0x1F22}, {0x1F2B, 0x1F23}, {0x1F2C, 0x1F24}, {0x1F2D, 0x1F25},
	{0x1F2E, 0x1F26}, {0x1F2F, 0x1F27}, {0x1F38, 0x1F30}, {0x1F39, 0x1F31}, {0x1F3A, 0x1F32}, {0x1F3B, 0x1F33},
	{0x1F3C, 0x1F34}, {0x1F3D, 0x1F35}, {0x1F3E, 0x1F36}, {0x1F3F, 0x1F37}, {0x1F48, 0x1F40}, {0x1F49, 0x1F41},
	{0x1F4A, 0x1F42}, {0x1F4B, 0x1F43}, {0x1F4C, 0x1F44}, {0x1F4D, 0x1F45}, {0x1F59, 0x1F51}, {0x1F5B, 0x1F53},
	{0x1F5D, 0x1F55}, {0x1F5F, 0x1F57}, {0x1F68, 0x1F60}, {0x1F69, 0x1F61}, {0x1F6A, 0x1F62}, {0x1F6B, 0x1F63},
	{0x1F6C, 0x1F64}, {0x1F6D, 0x1F65}, {0x1F6E, 0x1F66}, {0x1F6F, 0x1F67}, {0x1F88, 0x1F80}, {0x1F89, 0x1F81},
	{0x1F8A, 0x1F82}, {0x1F8B, 0x1F83}, {0x1F8C, 0x1F84}, {0x1F8D, 0x1F85}, {0x1F8E, 0x1F86}, {0x1F8F, 0x1F87},
	{0x1F98, 0x1F90}, {0x1F99, 0x1F91}, {0x1F9A, 0x1F92}, {0x1F9B, 0x1F93}, {0x1F9C, 0x1F94}, {0x1F9D, 0x1F95},
	{0x1F9E, 0x1F96}, {0x1F9F, 0x1F97}, {0x1FA8, 0x1FA0}, {0x1FA9, 0x1FA1}, {0x1FAA, 0x1FA2}, {0x1FAB, 0x1FA3},
	{0x1FAC, 0x1FA4}, {0x1FAD, 0x1FA5}, {0x1FAE, 0x1FA6}, {0x1FAF, 0x1FA7}, {0x1FB8, 0x1FB0}, {0x1FB9, 0x1FB1},
	{0x1FBA, 0x1F70}, {0x1FBB, 0x1F71}, {0x1FBC, 0x1FB3}, {0x1FC8, 0x1F72}, {0x1FC9, 0x1F73}, {0x1FCA, 0x1F74},
	{0x1FCB, 0x1F75}, {0x1FCC, 0x1FC3}, {0x1FD8, 0x1FD0}, {0x1FD9, 0x1FD1}, {0x1FDA, 0x1F76}, {0x1FDB, 0x1F77},
	{0x1FE8, 0x1FE0}, {0x1FE9, 0x1FE1}, {0x1FEA, 0x1F7A}, {0x1FEB, 0x1F7B}, {0x1FEC, 0x1FE5}, {0x1FF8, 0x1F78},
	{0x1FF9, 0x1F79}, {0x1FFA, 0x1F7C}, {0x1FFB, 0x1F7D}, {0x1FFC, 0x1FF3}, {0x2C60, 0x2C61}, {0x2C62, 0x026B},
	{0x2C63, 0x1D7D}, {0x2C64, 0x027D}, {0x2C67, 0x2C68}, {0x2C69, 0x2C6A}, {0x2C6B, 0x2C6C}, {0x2C6D, 0x0251},
	{0x2C6E, 0x0271}, {0x2C6F, 0x0250}, {0x2C70, 0x0252}, {0x2C72, 0x2C73}, {0x2C75, 0x2C76}, {0x2C7E, 0x023F},
	{0x2C7F, 0x0240}, {0xA640, 0xA641}, {0xA642, 0xA643}, {0xA644, 0xA645}, {0xA646, 0xA647}, {0xA648, 0xA649},
	{0xA64A, 0xA64B}, {0xA64C, 0xA64D}, {0xA64E, 0xA64F}, {0xA650, 0xA651}, {0xA652, 0xA653}, {0xA654, 0xA655},
	{0xA656, 0xA657}, {0xA658, 0xA659}, {0xA65A, 0xA65B}, {0xA65C, 0xA65D}, {0xA65E, 0xA65F}, {0xA660, 0xA661},
	{0xA662, 0xA663}, {0xA664, 0xA665}, {0xA666, 0xA667}, {0xA668, 0xA669}, {0xA66A, 0xA66B}, {0xA66C, 0xA66D},
	{0xA680, 0xA681}, {0xA682, 0xA683}, {0xA684, 0xA685}, {0xA686, 0xA687}, {0xA688, 0xA689}, {0xA68A, 0xA68B},
	{0xA68C, 0xA68D}, {0xA68E, 0xA68F}, {0xA690, 0xA691}, {0xA692, 0xA693}, {0xA694, 0xA695}, {0xA696, 0xA697},
	{0xA698, 0xA699}, {0xA69A, 0xA69B}, {0xA722, 0xA723}, {0xA724, 0xA725}, {0xA726, 0xA727}, {0xA728, 0xA729},
	{0xA72A, 0xA72B}, {0xA72C, 0xA72D}, {0xA72E, 0xA72F}, {0xA732, 0xA733}, {0xA734, 0xA735}, {0xA736, 0xA737},
	{0xA738, 0xA739}, {0xA73A, 0xA73B}, {0xA73C, 0xA73D}, {0xA73E, 0xA73F}, {0xA740, 0xA741}, {0xA742, 0xA743},
	{0xA744, 0xA745}, {0xA746, 0xA747}, {0xA748, 0xA749}, {0xA74A, 0xA74B}, {0xA74C, 0xA74D}, {0xA74E, 0xA74F},
	{0xA750, 0xA751}, {0xA752, 0xA753}, {0xA754, 0xA755}, {0xA756, 0xA757}, {0xA758, 0xA759}, {0xA75A, 0xA75B},
	{0xA75C, 0xA75D}, {0xA75E, 0xA75F}, {0xA760, 0xA761}, {0xA762, 0xA763}, {0xA764, 0xA765}, {0xA766, 0xA767},
	{0xA768, 0xA769}, {0xA76A, 0xA76B}, {0xA76C, 0xA76D}, {0xA76E, 0xA76F}, {0xA779, 0xA77A}, {0xA77B, 0xA77C},
	{0xA77D, 0x1D79}, {0xA77E, 0xA77F}, {0xA780, 0xA781}, {0xA782, 0xA783}, {0xA784, 0xA785}, {0xA786, 0xA787},
	{0xA78B, 0xA78C}, {0xA78D, 0x0265}, {0xA790, 0xA791}, {0xA792, 0xA793}, {0xA796, 0xA797}, {0xA798, 0xA799},
	{0xA79A, 0xA79B}, {0xA79C, 0xA79D}, {0xA79E, 0xA79F}, {0xA7A0, 0xA7A1}, {0xA7A2, 0xA7A3}, {0xA7A4, 0xA7A5},
	{0xA7A6, 0xA7A7}, {0xA7A8, 0xA7A9}, {0xA7AA, 0x0266}, {0xA7AB, 0x025C}, {0xA7AC, 0x0261}, {0xA7AD, 0x026C},
	{0xA7AE, 0x026A}, {0xA7B0, 0x029E}, {0xA7B1, 0x0287}, {0xA7B2, 0x029D}, {0xA7B3, 0xAB53}, {0xA7B4, 0xA7B5},
	{0xA7B6, 0xA7B7}, {0xA7B8, 0xA7B9}, {0xA7BA, 0xA7BB}, {0xA7BC, 0xA7BD}, {0xA7BE, 0xA7BF}, {0xA7C0, 0xA7C1},
	{0xA7C2, 0xA7C3}, {0xA7C4, 0xA794}, {0xA7C5, 0x0282}, {0xA7C6, 0x1D8E}, {0xA7C7, 0xA7C8}, {0xA7C9, 0xA7CA},
	{0xA7D0, 0xA7D1}, {0xA7D6, 0xA7D7}, {0xA7D8, 0xA7D9}, {0xA7F5, 0xA7F6},
};

/* The simple lower case of cp from names_lower_pairs, else cp. */
static uint32_t
names_lower_from_table(uint32_t cp)
{
	size_t		lo = 0;
	size_t		hi = sizeof(names_lower_pairs) / sizeof(names_lower_pairs[0]);

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (names_lower_pairs[mid][0] == cp)
			return names_lower_pairs[mid][1];
		if (names_lower_pairs[mid][0] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return cp;
}

uint32_t
names_fold_case(uint32_t cp)
{
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: no case */
		return cp;
	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	if (cp < 0x100)
		return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ? cp + 32 : cp;
	if (cp <= 0x17F)
	{
		/* Latin Extended-A: mostly upper/lower pairs */
		if ((cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
			return (cp % 2 == 0) ? cp + 1 : cp;
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
			return (cp % 2 == 1) ? cp + 1 : cp;
		if (cp == 0x178)
			return 0xFF;
		if (cp == 0x17F)		/* long s */
			return 's';
		return cp;
	}
	if (cp >= 0x386 && cp <= 0x3AB)
	{
		/* Greek capitals */
		if (cp == 0x386)
			return 0x3AC;
		if (cp >= 0x388 && cp <= 0x38A)
			return cp + 37;
		if (cp == 0x38C)
			return 0x3CC;
		if (cp == 0x38E || cp == 0x38F)
			return cp + 63;
		if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
			return cp + 32;
		return cp;
	}
	if (cp == 0x3C2)			/* final sigma */
		return 0x3C3;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 32;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
		(cp >= 0x4D0 && cp <= 0x52F))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if (cp >= 0x4C1 && cp <= 0x4CE)
		return (cp % 2 == 1) ? cp + 1 : cp;
	if (cp >= 0x531 && cp <= 0x556) /* Armenian */
		return cp + 48;
	if ((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if (cp >= 0xFF21 && cp <= 0xFF3A)	/* full-width capitals */
		return cp + 32;
	return names_lower_from_table(cp);
}

bool
names_is_unspaced(uint32_t cp)
{
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: multibyte ones */
		return (cp & 0x30000000) != 0;
	return (cp >= 0x2E80 && cp <= 0x2FDF) ||	/* CJK and Kangxi radicals */
		(cp >= 0x3000 && cp <= 0x30FF) ||	/* CJK punctuation, hiragana, katakana */
		(cp >= 0x3100 && cp <= 0x312F) ||	/* bopomofo */
		(cp >= 0x3190 && cp <= 0x31FF) ||	/* kanbun, strokes, katakana extension */
		(cp >= 0x3400 && cp <= 0x4DBF) ||	/* CJK extension A */
		(cp >= 0x4E00 && cp <= 0x9FFF) ||	/* CJK unified ideographs */
		(cp >= 0xF900 && cp <= 0xFAFF) ||	/* CJK compatibility ideographs */
		(cp >= 0xFF66 && cp <= 0xFF9F) ||	/* half-width katakana */
		(cp >= 0x20000 && cp <= 0x3FFFF);	/* CJK extensions B and later */
}

bool
names_is_combining(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) ||	/* combining diacritical marks */
		(cp >= 0x1AB0 && cp <= 0x1AFF) ||	/* extended */
		(cp >= 0x1DC0 && cp <= 0x1DFF) ||	/* supplement */
		(cp >= 0x20D0 && cp <= 0x20FF) ||	/* for symbols */
		(cp >= 0xFE20 && cp <= 0xFE2F) ||	/* half marks */
		cp == 0x3099 || cp == 0x309A || /* kana voiced sound marks */
		cp == 0xFF9E || cp == 0xFF9F || /* half-width ones (NFKC: the above) */
		(cp >= 0x1160 && cp <= 0x11FF) ||	/* Hangul medial and final jamo */
		(cp >= 0xD7B0 && cp <= 0xD7FF);
}

uint32_t
names_opaque_pack(const unsigned char *bytes, size_t len)
{
	uint32_t	v = 0;

	if (len < 1 || len > 4)
		return 0;
	for (size_t i = 0; i < len; i++)
	{
		if (bytes[i] < 0x80)
			return 0;
		v = (v << 7) | (bytes[i] & 0x7F);
	}
	return NAMES_OPAQUE_FLAG | ((uint32_t) (len - 1) << 28) | v;
}

bool
names_is_opaque(uint32_t cp)
{
	return (cp & NAMES_OPAQUE_FLAG) != 0;
}

size_t
names_opaque_unpack(uint32_t cp, unsigned char *out)
{
	size_t		len = ((cp >> 28) & 3) + 1;

	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char) (0x80 | ((cp >> (7 * (len - 1 - i))) & 0x7F));
	return len;
}

size_t
names_fold_in(const uint32_t *in, size_t n, uint32_t *out, const NamesCharset *cs)
{
	size_t		len = 0;
	bool		pending_break = false;
	bool		after_break = true;	/* the last character was a break (or none) */

	for (size_t i = 0; i < n; i++)
	{
		NameCharClass cls;

		/* a space and a combining acute: the acute accent ´, as an apostrophe */
		if (in[i] == ' ' && i + 1 < n && in[i + 1] == 0x301)
		{
			i++;
			continue;
		}
		cls = names_char_class(in[i]);
		/* a combining mark attached to nothing: a spacing accent, a symbol */
		if (cls == NAME_CHAR_KEEP && after_break && names_is_combining(in[i]))
			cls = NAME_CHAR_BREAK;
		switch (cls)
		{
			case NAME_CHAR_DROP:
				break;
			case NAME_CHAR_BREAK:
				/* a break only between two tokens: none at the start */
				if (len > 0)
					pending_break = true;
				break;
			case NAME_CHAR_KEEP:
				{
					uint32_t	folded = names_fold_case(in[i]);

					if (pending_break)
					{
						out[len++] = NAMES_BREAK;
						pending_break = false;
					}
					if (folded != in[i] && folded >= 0x80 && cs != NULL &&
						!cs->holds(folded, cs->arg))
						folded = in[i];
					out[len++] = folded;
				}
				break;
		}
		if (cls != NAME_CHAR_DROP)	/* what vanishes is transparent */
			after_break = cls == NAME_CHAR_BREAK;
	}
	return len;
}

size_t
names_fold(const uint32_t *in, size_t n, uint32_t *out)
{
	return names_fold_in(in, n, out, NULL);
}

/*
 * Edge matching (inside the first or last token) only for a form written in
 * unspaced characters alone, nothing folded away: (一社) written with its
 * brackets is a whole token, and matched at the edge it cut 一社 out of
 * 一社堂 and 第一社 (names that hold no legal form).
 */
bool
names_form_init(NameForm *form, const uint32_t *folded, size_t len, size_t written_len)
{
	bool		unspaced = len >= 2 && len == written_len;

	form->key = folded;
	form->len = len;
	for (size_t i = 0; i < len && unspaced; i++)
		unspaced = folded[i] != NAMES_BREAK && names_is_unspaced(folded[i]);
	form->edge_match = unspaced;
	return len > 0;
}

/* qsort order: longer first, then by code points (deterministic). */
static int
form_cmp(const void *a, const void *b)
{
	const NameForm *fa = a;
	const NameForm *fb = b;

	if (fa->len != fb->len)
		return fa->len > fb->len ? -1 : 1;
	for (size_t i = 0; i < fa->len; i++)
		if (fa->key[i] != fb->key[i])
			return fa->key[i] < fb->key[i] ? -1 : 1;
	return 0;
}

void
names_sort_forms(NameForm *forms, size_t nforms)
{
	if (nforms > 1)
		qsort(forms, nforms, sizeof(NameForm), form_cmp);
}

/* True when the len code points at a equal those at b. */
static inline bool
same_chars(const uint32_t *a, const uint32_t *b, size_t len)
{
	return memcmp(a, b, len * sizeof(uint32_t)) == 0;
}

size_t
names_strip_forms(const uint32_t *s, size_t *len, const NameForm *forms, size_t nforms)
{
	size_t		start = 0;
	size_t		n = *len;
	bool		changed = true;

	/*
	 * Invariant: s[start .. start + n) has no break at either end.  A form
	 * is removed only when it is shorter than what is left, so something
	 * always remains.
	 */
	while (changed)
	{
		changed = false;
		for (size_t f = 0; f < nforms && !changed; f++)
		{
			const NameForm *form = &forms[f];
			size_t		fl = form->len;

			if (fl == 0 || fl >= n)
				continue;
			/* at the start: whole tokens, or the start of the first token */
			if (same_chars(s + start, form->key, fl))
			{
				if (s[start + fl] == NAMES_BREAK)
				{
					start += fl + 1;
					n -= fl + 1;
					changed = true;
				}
				else if (form->edge_match)
				{
					start += fl;
					n -= fl;
					changed = true;
				}
				if (changed)
					break;
			}
			/* at the end: whole tokens, or the end of the last token */
			if (same_chars(s + start + n - fl, form->key, fl))
			{
				if (s[start + n - fl - 1] == NAMES_BREAK)
				{
					n -= fl + 1;
					changed = true;
				}
				else if (form->edge_match)
				{
					n -= fl;
					changed = true;
				}
			}
		}
	}
	*len = n;
	return start;
}

size_t
names_join(const uint32_t *s, size_t len, uint32_t *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		if (s[i] != NAMES_BREAK)
			out[o++] = s[i];
		else if (i > 0 && i + 1 < len &&
				 !names_is_unspaced(s[i - 1]) && !names_is_unspaced(s[i + 1]))
			out[o++] = ' ';
	}
	return o;
}

/*
 * Branch words (names.h, "Branches"), folded: the English ones as tokens
 * separated by NAMES_BREAK, longest first; place says whether one place
 * token before the word belongs to the branch ("Tokyo Office").
 */
typedef struct BranchWord
{
	const uint32_t *cps;
	size_t		len;
	bool		place;
} BranchWord;

static const uint32_t bw_branch_office[] = {'b', 'r', 'a', 'n', 'c', 'h', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_sales_office[] = {'s', 'a', 'l', 'e', 's', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_head_office[] = {'h', 'e', 'a', 'd', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_headquarters[] = {'h', 'e', 'a', 'd', 'q', 'u', 'a', 'r', 't', 'e', 'r', 's'};
static const uint32_t bw_factory[] = {'f', 'a', 'c', 't', 'o', 'r', 'y'};
static const uint32_t bw_branch[] = {'b', 'r', 'a', 'n', 'c', 'h'};
static const uint32_t bw_office[] = {'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_plant[] = {'p', 'l', 'a', 'n', 't'};
static const uint32_t bw_hq[] = {'h', 'q'};

#define BW(a, place) {a, sizeof(a) / sizeof(a[0]), place}

static const BranchWord spaced_branch_words[] = {
	BW(bw_branch_office, true), BW(bw_sales_office, true), BW(bw_head_office, false),
	BW(bw_headquarters, false), BW(bw_factory, true), BW(bw_branch, true),
	BW(bw_office, true), BW(bw_plant, true), BW(bw_hq, false)
};

/* 本社 本店 本部 支店 支社 営業所 事業所 出張所 営業部 事業部 工場 研究所 センター オフィス */
static const uint32_t bw_honsha[] = {0x672C, 0x793E};
static const uint32_t bw_honten[] = {0x672C, 0x5E97};
static const uint32_t bw_honbu[] = {0x672C, 0x90E8};
static const uint32_t bw_shiten[] = {0x652F, 0x5E97};
static const uint32_t bw_shisha[] = {0x652F, 0x793E};
static const uint32_t bw_eigyosho[] = {0x55B6, 0x696D, 0x6240};
static const uint32_t bw_jigyosho[] = {0x4E8B, 0x696D, 0x6240};
static const uint32_t bw_shutchojo[] = {0x51FA, 0x5F35, 0x6240};
static const uint32_t bw_eigyobu[] = {0x55B6, 0x696D, 0x90E8};
static const uint32_t bw_jigyobu[] = {0x4E8B, 0x696D, 0x90E8};
static const uint32_t bw_kojo[] = {0x5DE5, 0x5834};
static const uint32_t bw_kenkyujo[] = {0x7814, 0x7A76, 0x6240};
static const uint32_t bw_center[] = {0x30BB, 0x30F3, 0x30BF, 0x30FC};
static const uint32_t bw_ofisu[] = {0x30AA, 0x30D5, 0x30A3, 0x30B9};

static const BranchWord unspaced_branch_words[] = {
	BW(bw_center, false), BW(bw_ofisu, false),
	BW(bw_eigyosho, false), BW(bw_jigyosho, false), BW(bw_shutchojo, false),
	BW(bw_eigyobu, false), BW(bw_jigyobu, false), BW(bw_kenkyujo, false),
	BW(bw_honsha, false), BW(bw_honten, false), BW(bw_honbu, false),
	BW(bw_shiten, false), BW(bw_shisha, false), BW(bw_kojo, false)
};

#define LENGTH_OF(a) (sizeof(a) / sizeof(a[0]))

/* The start of the token that ends at end (s[end] is a break, or end is the length). */
static size_t
token_start(const uint32_t *s, size_t end)
{
	while (end > 0 && s[end - 1] != NAMES_BREAK)
		end--;
	return end;
}

/* The length of the Japanese branch word s[a .. e) ends with, 0 for none. */
static size_t
unspaced_branch_suffix(const uint32_t *s, size_t a, size_t e)
{
	for (size_t i = 0; i < LENGTH_OF(unspaced_branch_words); i++)
	{
		const BranchWord *w = &unspaced_branch_words[i];

		if (e - a >= w->len && same_chars(s + e - w->len, w->cps, w->len))
			return w->len;
	}
	return 0;
}

/*
 * True when a legal form of whole tokens ends just before the token that
 * starts at t (t > 0), with something before the form.
 */
static bool
form_before(const uint32_t *s, size_t t, const NameForm *forms, size_t nforms)
{
	size_t		fe = t - 1;		/* the break before the token */

	for (size_t f = 0; f < nforms; f++)
	{
		size_t		fl = forms[f].len;

		if (fl == 0 || fl >= fe)
			continue;
		if (s[fe - fl - 1] == NAMES_BREAK && same_chars(s + fe - fl, forms[f].key, fl))
			return true;
	}
	return false;
}

/* True when s[0 .. n) is nothing but legal forms (taken from the start). */
static bool
only_forms(const uint32_t *s, size_t n, const NameForm *forms, size_t nforms)
{
	while (n > 0)
	{
		bool		hit = false;

		for (size_t f = 0; f < nforms && !hit; f++)
		{
			size_t		fl = forms[f].len;

			if (fl == 0 || fl > n || !same_chars(s, forms[f].key, fl))
				continue;
			if (fl == n)
				return true;
			if (s[fl] == NAMES_BREAK)
			{
				s += fl + 1;
				n -= fl + 1;
				hit = true;
			}
			else if (forms[f].edge_match)
			{
				s += fl;
				n -= fl;
				hit = true;
			}
		}
		if (!hit)
			return false;
	}
	return true;
}

bool
names_find_branch(const uint32_t *s, size_t len, const NameForm *forms, size_t nforms,
				  size_t *company_end, size_t *branch_start)
{
	size_t		last;
	size_t		w = 0;			/* start of the branch part; 0: none found */
	size_t		suffix;
	bool		place = false;

	if (len == 0)
		return false;
	last = token_start(s, len);

	/* a. an English branch word: whole tokens at the end */
	for (size_t i = 0; i < LENGTH_OF(spaced_branch_words) && w == 0; i++)
	{
		const BranchWord *bw = &spaced_branch_words[i];

		/* the whole name is a branch word ("Head Office"): no branch part */
		if (bw->len == len && same_chars(s, bw->cps, len))
			return false;
		if (bw->len < len && s[len - bw->len - 1] == NAMES_BREAK &&
			same_chars(s + len - bw->len, bw->cps, bw->len))
		{
			w = len - bw->len;
			place = bw->place;
		}
	}

	if (w == 0 && (suffix = unspaced_branch_suffix(s, last, len)) > 0)
	{
		/*
		 * b. a legal form written without spaces inside the last token, before
		 * the branch: the branch starts after it (the rightmost such form)
		 */
		for (size_t q = len - suffix; q > last; q--)
		{
			for (size_t f = 0; f < nforms; f++)
			{
				size_t		fl = forms[f].len;

				if (forms[f].edge_match && fl < q && q - fl >= last &&
					same_chars(s + q - fl, forms[f].key, fl))
				{
					*company_end = q;
					*branch_start = q;
					return !only_forms(s, q, forms, nforms);
				}
			}
		}
		/* b. the last token, and the ones before it that also end with a branch word */
		if (last > 0)
		{
			w = last;
			while (w > 0)
			{
				size_t		ps = token_start(s, w - 1);

				if (ps == 0 || unspaced_branch_suffix(s, ps, w - 1) == 0)
					break;
				w = ps;
			}
		}
	}
	if (w == 0)
		return false;

	/* c. a legal form at most two tokens before the branch word */
	{
		size_t		t = w;

		for (int k = 0; k < 3 && t > 0; k++)
		{
			if (form_before(s, t, forms, nforms))
			{
				w = t;
				place = false;
				break;
			}
			t = token_start(s, t - 1);
		}
	}
	/* a. one place token, when something remains before it */
	if (place)
	{
		size_t		pw = token_start(s, w - 1);

		if (pw > 0)
			w = pw;
	}
	/* d. the company part must be more than legal forms */
	if (only_forms(s, w - 1, forms, nforms))
		return false;
	*company_end = w - 1;
	*branch_start = w;
	return true;
}

void
names_keys_in(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
			  uint32_t *scratch, const NamesCharset *cs, NameKeys *keys)
{
	size_t		len = names_fold_in(in, n, scratch, cs);
	size_t		start = names_strip_forms(scratch, &len, forms, nforms);
	const uint32_t *s = scratch + start;
	const uint32_t *company = s;
	size_t		company_len = len;
	const uint32_t *branch = NULL;
	size_t		branch_len = 0;
	size_t		company_end;
	size_t		branch_start;

	keys->has_branch = names_find_branch(s, len, forms, nforms, &company_end, &branch_start);
	if (keys->has_branch)
	{
		size_t		cstart;

		company_len = company_end;
		cstart = names_strip_forms(s, &company_len, forms, nforms);
		company = s + cstart;
		branch = s + branch_start;
		branch_len = len - branch_start;
	}
	keys->company_len = 0;
	keys->branch_len = 0;
	keys->record_len = 0;
	if (keys->company)
		keys->company_len = names_join(company, company_len, keys->company);
	if (keys->branch && branch_len > 0)
		keys->branch_len = names_join(branch, branch_len, keys->branch);
	if (keys->record)
	{
		size_t		o = names_join(company, company_len, keys->record);

		if (branch_len > 0)
		{
			/* a space between the two parts only between two spaced scripts */
			if (o > 0 && !names_is_unspaced(company[company_len - 1]) &&
				!names_is_unspaced(branch[0]))
				keys->record[o++] = ' ';
			o += names_join(branch, branch_len, keys->record + o);
		}
		keys->record_len = o;
	}
}

size_t
names_key_in(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
			 uint32_t *out, uint32_t *scratch, const NamesCharset *cs)
{
	NameKeys	keys = {0};

	keys.record = out;
	names_keys_in(in, n, forms, nforms, scratch, cs, &keys);
	return keys.record_len;
}

size_t
names_key(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
		  uint32_t *out, uint32_t *scratch)
{
	return names_key_in(in, n, forms, nforms, out, scratch, NULL);
}

long
names_utf8_decode(const unsigned char *s, size_t len, uint32_t *out)
{
	size_t		i = 0;
	long		n = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		uint32_t	cp;
		int			extra;
		uint32_t	min;

		if (c < 0x80)
		{
			out[n++] = c;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
		{
			cp = c & 0x1F;
			extra = 1;
			min = 0x80;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			cp = c & 0x0F;
			extra = 2;
			min = 0x800;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			cp = c & 0x07;
			extra = 3;
			min = 0x10000;
		}
		else
			return -1;
		if (len - i <= (size_t) extra)
			return -1;
		for (int k = 1; k <= extra; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > NAMES_MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		out[n++] = cp;
		i += extra + 1;
	}
	return n;
}

size_t
names_utf8_encode(const uint32_t *cps, size_t n, unsigned char *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < n; i++)
	{
		uint32_t	cp = cps[i];

		if (cp < 0x80)
			out[o++] = (unsigned char) cp;
		else if (cp < 0x800)
		{
			out[o++] = (unsigned char) (0xC0 | (cp >> 6));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			out[o++] = (unsigned char) (0xE0 | (cp >> 12));
			out[o++] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
		else
		{
			out[o++] = (unsigned char) (0xF0 | (cp >> 18));
			out[o++] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
			out[o++] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
	}
	return o;
}
