package similarity

import "strconv"

func strconvFloat(x float32) string { return strconv.FormatFloat(float64(x), 'g', 7, 32) }
