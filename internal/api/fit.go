package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"samenspel/internal/profiles"
)

// fit is GET /v1/tenders/{id}/fit/{profile}: why (not) this partner (SPEC §6),
// for anyone. The answer holds public fields only (match.FitResult), the
// profile's own contact and private fields included, whoever asks; a stale
// profile is answered as the engine answers it, with the reason "stale". An
// unknown tender or profile is a 404 naming which (problemFor).
func (h *handlers) fit(c *gin.Context) {
	if !validID(c) {
		return
	}
	profile := c.Param("profile")
	if !profiles.ValidID(profile) {
		fail(c, badParam("the profile is no profile id", "profile",
			fmt.Sprintf("%s is not a profile id: use 1-64 characters a-z, 0-9 and -", profiles.Quote(profile))))
		return
	}
	res, err := h.d.Suggest.Fit(c.Request.Context(), c.Param("id"), profile)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
