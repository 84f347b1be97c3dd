package recipe

import (
	"fmt"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// line is one piece of text in both registers, each written by hand.
type line struct{ casual, polite string }

// idea is one shot a format can ask for in one role, with the overtitles
// and captions that fit it.
type idea struct {
	film, framing, action string
	overtitles            []line
	captions              []line
}

// format is one meme format the local planner knows: its mechanism (what
// carries across cultures), how its shots are paced, its Korean material
// per shot role, and the adaptation its own convention asks for.
type format struct {
	id, name  string
	mechanism string
	hooks     []string
	titles    []string
	mood      string
	sound     string // kind of sound, by feel; the planner adds the tempo
	// beat is true for formats that live on a steady beat.
	beat bool
	// shotS is the shot length the format wants, in seconds; the planner
	// mixes it with the source's own shot length.
	shotS float64
	// dropFaster is how much shorter shots get in a real drop (1: not at all).
	dropFaster float64
	bank       map[kmeme.ShotRole][]idea
	props      []string
	checklist  []string
	// convention is the adaptation the format's own text convention asks
	// for (evidence kind "format").
	convention kmeme.Adaptation
	// suggestion is offered, worded as a suggestion, about what the
	// planner could not observe.
	suggestion kmeme.Adaptation
	tags       []string // niche hashtags, most specific first
	mid        string   // a mid-size hashtag
	difficulty kmeme.Difficulty
}

// shot roles the planner assigns, in story order.
var roles = []kmeme.ShotRole{kmeme.RoleSetup, kmeme.RoleTurn, kmeme.RolePunchline, kmeme.RoleReaction, kmeme.RoleCTA}

// parseBank reads a format's hand-written material:
//
//	@role film | framing | action
//	= overtitle casual / overtitle polite
//	- caption casual / caption polite
//
// "{count}" in a line is the count of one bar in the clip's metre.
func parseBank(id, src string) map[kmeme.ShotRole][]idea {
	out := map[kmeme.ShotRole][]idea{}
	var cur *idea
	var curRole kmeme.ShotRole
	flush := func() {
		if cur != nil {
			out[curRole] = append(out[curRole], *cur)
		}
		cur = nil
	}
	pair := func(s string) line {
		c, p, ok := strings.Cut(s, " / ")
		if !ok {
			panic(fmt.Sprintf("recipe bank %s: %q has no \" / \" between the registers", id, s))
		}
		return line{strings.TrimSpace(c), strings.TrimSpace(p)}
	}
	for _, raw := range strings.Split(src, "\n") {
		l := strings.TrimSpace(raw)
		switch {
		case l == "":
		case strings.HasPrefix(l, "@"):
			flush()
			r, rest, _ := strings.Cut(l[1:], " ")
			parts := strings.Split(rest, "|")
			if len(parts) != 3 {
				panic(fmt.Sprintf("recipe bank %s: %q wants film | framing | action", id, l))
			}
			curRole = kmeme.ShotRole(r)
			cur = &idea{film: strings.TrimSpace(parts[0]), framing: strings.TrimSpace(parts[1]), action: strings.TrimSpace(parts[2])}
		case strings.HasPrefix(l, "= ") && cur != nil:
			cur.overtitles = append(cur.overtitles, pair(l[2:]))
		case strings.HasPrefix(l, "- ") && cur != nil:
			cur.captions = append(cur.captions, pair(l[2:]))
		default:
			panic(fmt.Sprintf("recipe bank %s: cannot read %q", id, l))
		}
	}
	flush()
	for _, r := range roles {
		if len(out[r]) == 0 {
			panic(fmt.Sprintf("recipe bank %s: no idea for role %s", id, r))
		}
	}
	return out
}

// formatByID returns the library format with id, or nil.
func formatByID(id string) *format {
	for i := range formats {
		if formats[i].id == id {
			return &formats[i]
		}
	}
	return nil
}

// FormatIDs lists the format ids the local planner knows, in library order.
func FormatIDs() []string {
	out := make([]string, len(formats))
	for i := range formats {
		out[i] = formats[i].id
	}
	return out
}

// FormatName returns the Korean name of a format id, or "" when unknown.
func FormatName(id string) string {
	if f := formatByID(id); f != nil {
		return f.name
	}
	return ""
}

func fmtAd(source, korean, reason string) kmeme.Adaptation {
	return kmeme.Adaptation{Source: source, Korean: korean, Reason: reason}
}

// formats is the library, in a fixed order: on an exact tie of evidence
// the earlier format wins.
var formats = []format{
	{
		id: "dance-challenge", name: "댄스 챌린지",
		mechanism: "쉬운 포인트 안무를 박자에 딱 맞춰 반복해서, 보는 사람도 따라 하고 싶게 만드는 구조",
		hooks:     []string{"포인트 안무 하나로 끝내는 챌린지", "10초면 외우는 킬링 파트", "박자 타는 맛이 다른 챌린지"},
		titles:    []string{"킬링 파트 챌린지", "퇴근길 댄스 챌린지", "한 번에 외우는 안무"},
		mood:      "신나는", sound: "신나는 댄스 팝 비트", beat: true, shotS: 2.5, dropFaster: 0.6,
		bank: parseBank("dance-challenge", `
@setup 정면에서 포즈 잡고 대기 | 풀샷 | 음악 시작 직전 카메라를 손가락으로 가리키기
= 챌린지 간다 / 챌린지 갑니다
- 이 안무 10초 컷 / 이 안무는 10초면 외워요
- 같이 출 사람? / 같이 추실 분 계세요?
@setup 뒤돌아 있다가 첫 박에 돌아보기 | 미디엄샷 | 첫 박에 고개부터 돌리기
= 두둥 / 두둥
- 이거 나만 못 춰? / 이거 저만 못 추나요?
- 오늘은 진짜 외운다 / 오늘은 꼭 외워 볼게요
@setup 상체 포인트 동작 | 미디엄샷 | 팔 동작을 박에 맞춰 바꾸기
= 팔 먼저 / 팔부터요
- {count} 팔부터 / {count} 팔부터 가요
- 팔만 따라 해도 반은 됨 / 팔만 따라 하셔도 반은 돼요
@turn 발 스텝 클로즈업 | 로우앵글 클로즈업 | 스텝을 박에 맞춰 밟기
= 발 주목 / 발 보세요
- 여기서 스텝 바뀜 / 여기서 스텝이 바뀌어요
- 발은 이것만 기억해 / 발은 이것만 기억하세요
@turn 카운트 세며 숨 고르기 | 미디엄샷 | 손가락으로 박자 세기
= {count} / {count}
- 곧 킬링 파트 나옴 / 곧 킬링 파트 나와요
- 숨 한 번 쉬고 / 숨 한 번 쉬고 갈게요
@punchline 킬링 파트 풀 안무 | 풀샷 | 드롭 첫 박에 점프하며 시작
= 킬링 파트 / 킬링 파트
- 여기가 킬링 파트! / 여기가 킬링 파트예요!
- 이 부분만 외우면 끝 / 이 부분만 외우시면 돼요
@punchline 친구와 마주 보고 같은 동작 | 투샷 | 박마다 위치 바꾸기
= 찰떡 호흡 / 찰떡 호흡
- 둘이 하면 두 배로 신남 / 둘이 하면 두 배로 신나요
- 눈빛까지 맞춰야 됨 / 눈빛까지 맞춰야 해요
@punchline 카메라 앞으로 다가오며 마무리 동작 | 클로즈업 | 박마다 한 걸음씩 다가오기
= 얼굴 공격 / 얼굴 공격
- 표정까지 챙겨야 완성 / 표정까지 챙겨야 완성이에요
@reaction 숨 고르며 웃는 모습 | 미디엄샷 | 동작을 멈추고 카메라 보며 웃기
= 숨 고르기 / 숨 고르기
- 생각보다 숨차네 / 생각보다 숨이 차네요
- 한 번 더 하자고? / 한 번 더 하자고요?
@reaction 틀린 동작에 혼자 웃음 터지기 | 미디엄샷 | 고개 숙이고 웃기
= 실수 아님 / 실수 아니에요
- 방금 틀린 거 아님 / 방금 틀린 거 아니에요
@cta 마지막 포즈로 정지 | 풀샷 | 마지막 박에 손가락 하트
= 엔딩 포즈 / 엔딩 포즈
- 해 보고 태그해 줘 / 해 보시고 태그해 주세요
- 저장해 두고 연습하기 / 저장해 두고 연습해 보세요
`),
		props:      []string{"삼각대", "휴대폰 조명", "편한 운동화"},
		checklist:  []string{"바닥이 미끄럽지 않은 곳에서 촬영", "전신이 9:16 화면 안에 들어오는지 확인", "안무를 박자 카운트로 세 번 연습"},
		convention: fmtAd("댄스 챌린지의 카운트", "'{count}' 한국어 카운트 자막", "한국 시청자가 바로 따라 세기 쉬움"),
		suggestion: fmtAd("촬영 장소", "원본 배경이 해외 주택가라면 아파트 복도나 한강 공원에서 찍어 보세요", "한국 시청자에게 익숙한 생활 공간이면 따라 하기 쉬움"),
		tags:       []string{"#댄스챌린지", "#챌린지", "#안무", "#춤스타그램", "#kpopdance"},
		mid:        "#요즘유행", difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "outfit-transition", name: "변신 트랜지션",
		mechanism: "박자에 맞춘 컷 하나로 평범한 모습이 완전히 달라지는 반전의 쾌감",
		hooks:     []string{"박자 한 번에 완전 변신", "평소랑 약속 있는 날 차이 실화?", "컷 하나로 딴사람 되기"},
		titles:    []string{"출근룩 변신", "잠옷에서 외출복까지 1초", "주말 변신 트랜지션"},
		mood:      "반전 있는", sound: "드롭이 확실한 일렉트로닉 비트", beat: true, shotS: 3.5, dropFaster: 0.7,
		bank: parseBank("outfit-transition", `
@setup 잠옷 차림으로 하품하는 모습 | 미디엄샷 | 렌즈를 손바닥으로 천천히 가리기
= 평소 / 평소
- 평소의 나 / 평소의 저예요
- 주말 아침 상태 / 주말 아침 상태예요
@setup 거울 앞에서 부스스한 머리 만지기 | 미디엄샷 | 거울 보며 한숨
= 민낯 주의 / 민낯 주의
- 이게 나라고? / 이게 저라고요?
- 거울 보기 무서움 / 거울 보기가 무섭네요
@turn 옷을 들고 카메라 앞에서 흔들기 | 미디엄샷 | 박에 맞춰 옷을 렌즈 쪽으로 던지기
= 3초 전 / 3초 전
- 약속 30분 전 / 약속 30분 전이에요
- 지금부터 변신 / 지금부터 변신합니다
@punchline 같은 자리에서 외출복 차림으로 등장 | 미디엄샷 | 드롭 첫 박에 손을 떼며 공개
= 약속 있는 날 / 약속 있는 날
- 약속 있는 날의 나 / 약속 있는 날의 저예요
- 이게 같은 사람? / 이게 같은 사람이에요?
@punchline 걸어 나가며 뒤돌아보기 | 풀샷 | 박마다 포즈 바꾸기
= 워킹 타임 / 워킹 타임
- 걸음부터 달라짐 / 걸음부터 달라져요
@punchline 거울 앞에서 한 바퀴 돌기 | 풀샷 | 박에 맞춰 한 바퀴 돌고 멈추기
= 완성 / 완성
- 이 정도면 출근 가능 / 이 정도면 출근 가능하죠
@reaction 소품 클로즈업 | 익스트림 클로즈업 | 액세서리를 박에 맞춰 보여 주기
= 디테일 / 디테일
- 포인트는 귀걸이 / 포인트는 귀걸이예요
- 디테일이 다 했다 / 디테일이 다 했죠
@reaction 자신감 넘치는 표정 | 클로즈업 | 선글라스 내리며 윙크
= 자신감 충전 / 자신감 충전
- 오늘 좀 되는 날 / 오늘은 좀 되는 날이에요
@cta 다시 잠옷으로 돌아와 눕기 | 미디엄샷 | 마지막 박에 이불 덮기
= 현실 복귀 / 현실 복귀
- 근데 약속 취소됨 / 근데 약속이 취소됐어요
- 너의 변신도 보여 줘 / 여러분의 변신도 보여 주세요
`),
		props:      []string{"삼각대(위치 고정 필수)", "갈아입을 옷 한 벌", "거울"},
		checklist:  []string{"삼각대 위치와 높이를 테이프로 표시", "변신 전후 같은 자리에 서기", "조명을 바꾸지 않기"},
		convention: fmtAd("변신 전후를 알리는 자막", "'평소 / 약속 있는 날' 대비 자막", "예능 자막처럼 짧고, 한국어 말맛이 살아 있음"),
		suggestion: fmtAd("변신 주제", "원본 의상이 파티나 코스튬이라면 출근룩, 교복에서 사복처럼 매일 겪는 변신으로 바꿔 보세요", "한국 시청자가 직접 겪는 변신이라 공감이 큼"),
		tags:       []string{"#변신", "#트랜지션", "#데일리룩", "#출근룩", "#transition"},
		mid:        "#숏폼", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "reaction", name: "리액션",
		mechanism: "예상 못 한 장면에 대한 과장된 표정이 웃음 포인트, 보는 사람이 그 감정을 함께 느낌",
		hooks:     []string{"내 표정이 모든 걸 말해 줌", "이 반응 실화냐", "끝까지 보면 표정 변함"},
		titles:    []string{"찐 반응", "표정 관리 실패", "처음 보고 한 반응"},
		mood:      "웃긴", sound: "가벼운 효과음이 들어간 잔잔한 비트", beat: false, shotS: 2.5, dropFaster: 0.8,
		bank: parseBank("reaction", `
@setup 화면을 보며 멍한 표정 | 클로즈업 | 천천히 눈을 크게 뜨기
= 동공 지진 / 동공 지진
- 잠깐 이게 뭐야 / 잠깐만요, 이게 뭐죠
- 처음엔 몰랐지 / 처음엔 몰랐어요
@setup 휴대폰을 보다가 멈칫 | 바스트샷 | 스크롤하던 손을 멈추기
= 멈칫 / 멈칫
- 방금 뭘 본 거지 / 방금 뭘 본 걸까요
@turn 화면에 얼굴을 가까이 대기 | 익스트림 클로즈업 | 입을 가리고 숨 참기
= 설마 / 설마
- 설마 아니겠지 / 설마 아니겠죠
- 어디까지 가는 거야 / 어디까지 가는 거예요
@punchline 뒤로 넘어질 듯 놀라기 | 미디엄샷 | 소리 없이 비명 지르기
= 헐 / 헐
= 대박 / 대박
- 아니 이게 된다고? / 아니, 이게 된다고요?
- 내 눈을 의심함 / 제 눈을 의심했어요
@punchline 옆 사람 어깨를 치며 웃기 | 투샷 | 박수 치며 몸 젖히기
= 빵 터짐 / 빵 터짐
- 웃음 참기 실패 / 웃음 참기 실패했어요
- 배 아파 죽겠네 / 배 아파서 혼났어요
@reaction 진정하려고 물 마시기 | 미디엄샷 | 한숨 쉬고 물컵 내려놓기
= 진정 / 진정
- 일단 진정하고 / 일단 진정할게요
- 심장 아직 뛰어 / 심장이 아직도 뛰어요
@reaction 다시 돌려 보는 손 | 클로즈업 | 화면을 뒤로 넘기기
= 다시 보기 / 다시 보기
- 한 번 더 봐야 돼 / 한 번 더 봐야겠어요
- 이걸 어떻게 참아 / 이걸 어떻게 참아요
@cta 카메라를 보며 고개 끄덕이기 | 클로즈업 | 엄지 들기
= 인정 / 인정
- 너라면 어떻게 해? / 여러분이라면 어떻게 하실래요?
- 댓글로 반응 남겨 줘 / 댓글로 반응 남겨 주세요
`),
		props:      []string{"휴대폰 거치대", "원본 상황을 재연할 소품"},
		checklist:  []string{"얼굴에 조명이 고르게 닿는지 확인", "반응은 과장되게 두 번 찍기", "남의 영상은 그대로 넣지 말고 직접 재연하기"},
		convention: fmtAd("리액션 감탄 자막", "'헐', '동공 지진' 같은 짧은 예능 자막", "한국 예능 리액션 자막의 관용 표현"),
		suggestion: fmtAd("리액션 대상", "원본이 남의 영상을 띄워 놓고 반응한다면, 같은 상황을 직접 재연해 찍어 보세요", "타인 영상 재사용은 저작권 위험이 있음"),
		tags:       []string{"#리액션", "#찐반응", "#표정", "#반응", "#웃긴영상"},
		mid:        "#웃긴영상", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "pov-skit", name: "POV 상황극",
		mechanism: "누구나 겪어 본 상황을 1인칭 시점으로 재연해 '이거 완전 나'라는 공감을 이끌어 냄",
		hooks:     []string{"시점: 이거 완전 나", "다들 한 번쯤 겪어 봤잖아", "공감하면 저장"},
		titles:    []string{"월요일 아침 상황극", "단톡방 상황극", "알바생 시점"},
		mood:      "공감 가는", sound: "대사를 가리지 않는 잔잔한 비트", beat: false, shotS: 3.0, dropFaster: 1,
		bank: parseBank("pov-skit", `
@setup 카메라를 상대방처럼 바라보는 1인칭 장면 | 클로즈업 | 어색하게 웃으며 말 걸기
= 시점: 막내 / 시점: 막내
- 월요일 아침 9시 / 월요일 아침 9시예요
- 다들 이거 알지? / 다들 이거 아시죠?
@setup 문 열고 들어오는 상대 역할 | 미디엄샷 | 문틀에 기대 한숨 쉬기
= 그때 등장 / 그때 등장
- 하필 지금 온다고? / 하필 지금 오신다고요?
- 눈 마주치면 끝이야 / 눈 마주치면 끝이에요
@turn 상황이 꼬이기 시작하는 장면 | 미디엄샷 | 두리번거리며 눈치 보기
= 불길함 / 불길함
- 근데 뭔가 이상해 / 근데 뭔가 이상해요
- 갑자기 분위기 싸해짐 / 갑자기 분위기가 싸해졌어요
@punchline 반전 대사를 치는 장면 | 클로즈업 | 정색하며 카메라 보기
= 반전 / 반전
- 아 그거 나였어 / 아, 그거 저였어요
- 이래서 월요일이 싫어 / 이래서 월요일이 싫어요
@punchline 1인 2역으로 맞받아치기 | 숄더샷 | 자리를 바꿔 서서 대답하기
= 1인 2역 / 1인 2역
- 아니 그게 아니라 / 아니요, 그게 아니라요
- 내가 언제 그랬어 / 제가 언제 그랬어요
@reaction 머리를 감싸는 장면 | 미디엄샷 | 천장 보며 한숨
= 현타 / 현타
- 현타 제대로 옴 / 현타가 제대로 왔어요
@reaction 말없이 카메라 응시 | 클로즈업 | 3초 동안 눈만 깜빡이기
= 정적 / 정적
- 할 말을 잃음 / 할 말을 잃었어요
- 이건 좀 아니지 / 이건 좀 아니죠
@cta 카메라를 보며 체념한 표정 | 클로즈업 | 어깨 으쓱
= 결말 / 결말
- 너도 이런 적 있지? / 여러분도 이런 적 있죠?
- 공감되면 친구 태그 / 공감되면 친구를 태그해 주세요
`),
		props:      []string{"상황에 맞는 소품(가방, 사원증 등)", "옷 두 벌(1인 2역)"},
		checklist:  []string{"대사는 한 컷에 한 문장", "1인 2역은 옷과 위치로 구분", "조용한 곳에서 녹음"},
		convention: fmtAd("상황극의 상황 설명 자막", "'시점: 막내'처럼 누구의 시점인지 먼저 알려 주는 자막", "첫 1초에 상황을 알아야 공감이 시작됨"),
		suggestion: fmtAd("상황 배경", "원본 상황이 해외 학교나 회사라면 야자 시간, 회식, 단톡방처럼 한국에서 겪는 상황으로 바꿔 보세요", "직접 겪는 상황이라야 '완전 나' 공감이 나옴"),
		tags:       []string{"#상황극", "#공감", "#현실고증", "#직장인공감", "#POV"},
		mid:        "#공감", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "expectation-reality", name: "기대 vs 현실",
		mechanism: "그럴듯한 기대 장면 뒤에 초라한 현실을 붙여 낙차로 웃기는 구조",
		hooks:     []string{"기대와 현실의 온도 차", "사진이랑 너무 다른데?", "이게 내 현실"},
		titles:    []string{"다이어트 기대 vs 현실", "여행 사진 기대 vs 현실", "자취 요리 기대 vs 현실"},
		mood:      "허탈하게 웃긴", sound: "전반은 우아하고 후반에 깨지는 비트", beat: false, shotS: 3.0, dropFaster: 0.8,
		bank: parseBank("expectation-reality", `
@setup 완벽하게 꾸민 장면 | 풀샷 | 우아하게 커피 마시기
= 기대 / 기대
- 내가 꿈꾼 주말 / 제가 꿈꾼 주말이에요
- 오늘은 갓생 산다 / 오늘은 갓생 살아 볼게요
@setup 기대 장면의 디테일 | 클로즈업 | 천천히 움직이기
= 분위기 최고 / 분위기 최고
- 여기까진 완벽했지 / 여기까진 완벽했죠
- 사진으론 완벽 / 사진으로는 완벽하죠
@turn 알람 소리에 화면이 흔들림 | 클로즈업 | 박에 맞춰 카메라를 툭 치기
= 그런데 / 그런데
- 잠깐만, 현실은? / 잠깐만요, 현실은요?
@punchline 같은 구도의 엉망인 현실 | 풀샷 | 전환 첫 박에 장면 바꾸기
= 현실 / 현실
- 현실은 이렇다 / 현실은 이래요
- 갓생은 내일부터 / 갓생은 내일부터 할게요
@punchline 현실 디테일 클로즈업 | 클로즈업 | 엉망인 물건을 하나씩 보여 주기
= 처참 / 처참
- 이게 맞냐고 / 이게 맞나요
- 누가 좀 치워 줘 / 누가 좀 치워 주세요
@reaction 멍하게 앉아 있는 모습 | 미디엄샷 | 천장 보기
= 체념 / 체념
- 뭐 어때, 행복하면 됐지 / 뭐 어때요, 행복하면 됐죠
@reaction 기대 장면 사진과 현실을 나란히 들어 보이기 | 미디엄샷 | 양손에 든 것을 번갈아 보기
= 비교 체험 / 비교 체험
- 분명 같은 날인데 / 분명 같은 날인데요
@cta 현실을 받아들이고 웃는 모습 | 미디엄샷 | 브이 하기
= 현실 인정 / 현실 인정
- 너의 현실도 보여 줘 / 여러분의 현실도 보여 주세요
`),
		props:      []string{"기대 장면용 소품(꽃, 예쁜 컵)", "현실 장면용 어질러진 소품"},
		checklist:  []string{"기대와 현실을 같은 구도로 촬영", "색감 차이를 편집에서 강조", "전환 컷을 박자나 말 끝에 맞추기"},
		convention: fmtAd("기대와 현실을 나누는 자막", "'기대 / 현실' 두 글자 예능 자막", "짧고 크게 보여야 모바일에서 읽힘"),
		suggestion: fmtAd("기대 장면의 소재", "원본의 '기대'가 해외 브런치나 파티라면 한강 라면, 편의점 도시락처럼 한국인이 아는 장면으로 바꿔 보세요", "한국인이 아는 현실이어야 낙차가 웃김"),
		tags:       []string{"#기대vs현실", "#현실", "#갓생", "#자취생", "#웃긴영상"},
		mid:        "#공감", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "lip-sync", name: "립싱크",
		mechanism: "익숙한 리듬에 입 모양과 표정 연기를 얹어 상황과 가사의 엇박자로 웃김",
		hooks:     []string{"표정 연기가 다 했다", "입 모양만 봐도 웃김", "이 대사 찰떡 아님?"},
		titles:    []string{"찰떡 립싱크", "표정 장인 립싱크", "엄마 잔소리 립싱크"},
		mood:      "능청스러운", sound: "리듬이 또렷한 미디엄 템포 힙합 비트", beat: true, shotS: 3.0, dropFaster: 0.7,
		bank: parseBank("lip-sync", `
@setup 무표정으로 카메라 응시 | 클로즈업 | 첫 박에 눈썹 올리기
= 주목 / 주목
- 이 표정 기억해 / 이 표정 기억해 주세요
- 첫 소절부터 간다 / 첫 소절부터 갑니다
- 시작은 무표정으로 / 시작은 무표정으로요
@setup 이어폰 한쪽을 꽂으며 고개 돌리기 | 바스트샷 | 첫 박에 카메라 쪽으로 고개 돌리기
= 노래 시작 / 노래 시작
- 이 노래 나오면 못 참지 / 이 노래 나오면 못 참죠
@turn 입 모양 크게 따라 하기 | 클로즈업 | 박마다 고개 까딱
= 연기 중 / 연기 중
- 여기서 눈빛 발사 / 여기서 눈빛 발사합니다
- 입 모양은 정확하게 / 입 모양은 정확하게요
@punchline 과장된 표정으로 클라이맥스 | 익스트림 클로즈업 | 드롭에 맞춰 손짓 크게
= 폭주 / 폭주
- 이 부분이 찐이야 / 이 부분이 진짜예요
- 감정 과다 주의 / 감정 과다 주의하세요
@punchline 가사에 맞춰 소품 들기 | 바스트샷 | 박에 맞춰 소품을 화면에 들이밀기
= 소품 등장 / 소품 등장
- 소품까지 찰떡 / 소품까지 찰떡이죠
- 이 타이밍 못 참지 / 이 타이밍은 못 참죠
@reaction 잠시 멈추고 머리 넘기기 | 미디엄샷 | 여유 있게 웃기
= 여유 / 여유
- 잠깐 여유 좀 부리고 / 잠깐 여유 좀 부릴게요
@reaction 가사를 틀리고 웃음 참기 | 클로즈업 | 입을 막고 어깨 들썩이기
= 웃참 실패 / 웃참 실패
- 가사 까먹은 거 아님 / 가사 까먹은 거 아니에요
@cta 윙크로 마무리 | 클로즈업 | 마지막 박에 윙크
= 끝 / 끝
- 너도 도전해 봐 / 여러분도 도전해 보세요
- 너라면 어떤 표정? / 여러분이라면 어떤 표정이에요?
`),
		props:      []string{"링 라이트", "이어폰(박자 확인용)"},
		checklist:  []string{"이어폰으로 박자를 들으며 촬영", "얼굴이 화면 위쪽 3분의 1에 오도록", "음원은 플랫폼 라이브러리에서 템포가 같은 곡으로"},
		convention: fmtAd("립싱크의 가사", "원곡 가사 대신 한국 드라마 명대사 톤의 표정 연기", "저작권 확인이 어려운 원곡 대신 표정이 웃음을 만듦"),
		suggestion: fmtAd("음원", "원본 노래가 해외 곡이라면 같은 템포의 플랫폼 라이브러리 음원으로 바꿔 보세요", "원곡이 한국에서 사용 허가됐는지 확인할 수 없음"),
		tags:       []string{"#립싱크", "#표정연기", "#연기", "#챌린지", "#lipsync"},
		mid:        "#숏폼", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "food-asmr", name: "먹방·요리 숏폼",
		mechanism: "소리와 클로즈업으로 오감을 자극하고, 박자에 맞춘 조리 과정이 리듬감을 줌",
		hooks:     []string{"소리부터 맛있는 레시피", "편의점 재료로 5분 컷", "자취생 필수 레시피"},
		titles:    []string{"편의점 조합 레시피", "5분 컷 야식", "라면 업그레이드"},
		mood:      "아늑한", sound: "부드러운 로파이 비트", beat: false, shotS: 2.0, dropFaster: 0.8,
		bank: parseBank("food-asmr", `
@setup 완성된 음식 클로즈업 | 익스트림 클로즈업 | 치즈 늘리기
= 완성본 / 완성본
- 이게 5분 컷이라고? / 이게 5분이면 돼요
- 편의점 재료 조합 / 편의점 재료로 만들어요
@setup 재료를 한 줄로 늘어놓기 | 탑샷 | 박마다 재료 하나씩 밀어 넣기
= 재료 소개 / 재료 소개
- 재료는 딱 세 개 / 재료는 딱 세 개예요
@turn 재료 손질 손 클로즈업 | 탑샷 | 박마다 재료 하나씩 넣기
= 착착 / 착착
- 이거 넣고 저거 넣고 / 이거 넣고 저거 넣어요
- 불은 중불로 / 불은 중불로 맞춰 주세요
@punchline 지글지글 볶는 장면 | 클로즈업 | 소리가 커질 때 뒤집기
= 지글지글 / 지글지글
- 소리부터 맛있음 / 소리부터 맛있어요
- 여기서 불 세게 / 여기서 불을 세게 올려요
@punchline 첫입 먹는 모습 | 클로즈업 | 고개 끄덕이며 눈 감기
= 한입 / 한입
- 이 맛 실화냐 / 이 맛 실화예요?
- 한입에 기절 / 한입에 반했어요
@reaction 김이 나는 그릇 | 클로즈업 | 숟가락 들기
= 김 모락 / 김 모락
- 국물까지 완벽 / 국물까지 완벽해요
@reaction 면을 크게 들어 올리기 | 클로즈업 | 젓가락으로 면을 천천히 들어 올리기
= 면치기 / 면치기
- 이 소리 들려? / 이 소리 들리세요?
@cta 빈 그릇 보여 주기 | 탑샷 | 엄지 들기
= 완뚝 / 완뚝
- 저장하고 꼭 해 봐 / 저장하고 꼭 해 보세요
- 재료는 댓글에 / 재료는 댓글에 적어 둘게요
`),
		props:      []string{"탑샷용 거치대", "재료", "예쁜 그릇"},
		checklist:  []string{"조리 소리를 따로 녹음", "김이 보이게 역광 조명", "재료 이름은 자막으로"},
		convention: fmtAd("재료와 계량 표기", "숟가락·종이컵 계량과 한국어 재료 이름 자막", "한국 가정에서 쓰는 단위라야 따라 하기 쉬움"),
		suggestion: fmtAd("재료", "원본 재료가 해외 마트 제품이라면 라면, 삼각김밥, 치즈처럼 편의점에서 사는 재료로 바꿔 보세요", "한국 시청자가 바로 사서 따라 할 수 있음"),
		tags:       []string{"#레시피", "#편의점조합", "#자취요리", "#야식", "#먹방"},
		mid:        "#숏폼", difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "vlog-montage", name: "브이로그 몽타주",
		mechanism: "짧은 일상 컷을 박자마다 이어 붙여 하루를 한 호흡에 보여 주는 리듬의 쾌감",
		hooks:     []string{"하루를 15초에 담아 봄", "직장인 하루 압축", "박자마다 바뀌는 하루"},
		titles:    []string{"출근부터 퇴근까지", "대학생 하루", "주말 하루 몽타주"},
		mood:      "경쾌한", sound: "경쾌한 시티팝 느낌 비트", beat: true, shotS: 1.7, dropFaster: 0.6,
		bank: parseBank("vlog-montage", `
@setup 알람 끄는 손 | 클로즈업 | 첫 박에 알람 끄기
= 기상 / 기상
- 오늘도 시작 / 오늘도 시작합니다
- 하루 15초 요약 / 하루를 15초로 요약해요
@setup 커튼 여는 모습 | 미디엄샷 | 박에 맞춰 커튼 젖히기
= 아침 / 아침
- 날씨 미쳤다 / 날씨가 정말 좋네요
@setup 거울 앞 출근 준비 | 바스트샷 | 박마다 머리 만지기
= 준비 / 준비
- 10분 만에 준비 끝 / 10분 만에 준비 끝났어요
@turn 지하철이나 버스 창밖 | 1인칭 시점 | 박마다 시선 옮기기
= 출근길 / 출근길
- 출근길 지옥철 / 출근길 지옥철이에요
- 오늘도 사람 많다 / 오늘도 사람이 많네요
@turn 책상 위 노트북과 커피 | 탑샷 | 박에 맞춰 키보드 치기
= 업무 모드 / 업무 모드
- 커피 없인 못 살아 / 커피 없인 못 살아요
@punchline 퇴근하며 뛰쳐나가는 모습 | 풀샷 | 드롭에 맞춰 점프
= 퇴근! / 퇴근!
- 이 순간을 위해 살아 / 이 순간을 위해 살아요
@punchline 저녁 메뉴 컷 | 클로즈업 | 박마다 음식 바꾸기
= 보상 / 보상
- 오늘 저녁은 이거 / 오늘 저녁은 이거예요
@reaction 창밖 노을 | 와이드샷 | 천천히 패닝
= 노을 / 노을
- 오늘도 수고했어 / 오늘도 수고하셨어요
- 하루 끝 / 하루가 끝났어요
@reaction 소파에 털썩 앉기 | 미디엄샷 | 박에 맞춰 쿠션 끌어안기
= 방전 / 방전
- 이제야 숨 쉰다 / 이제야 좀 쉬네요
@cta 침대에 눕는 모습 | 탑샷 | 마지막 박에 불 끄기
= 취침 / 취침
- 너의 하루도 보여 줘 / 여러분의 하루도 보여 주세요
`),
		props:      []string{"짐벌이나 손떨림 방지", "하루 일정표"},
		checklist:  []string{"장면마다 2초 이상 여유 있게 촬영", "장소마다 다른 구도", "편집에서 컷을 박자에 맞추기"},
		convention: fmtAd("시간을 알리는 자막", "시각 대신 '기상', '출근길', '퇴근!' 같은 상황 자막", "상황 단어가 더 빨리 읽힘"),
		suggestion: fmtAd("이동 장면", "원본이 자동차 출근이라면 지하철·버스 출근으로 바꿔 보세요", "한국 도시 직장인의 일상"),
		tags:       []string{"#브이로그", "#일상", "#직장인브이로그", "#데일리", "#vlog"},
		mid:        "#일상", difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "office-relatable", name: "직장인 공감",
		mechanism: "회사 생활의 사소한 짜증을 과장해 '우리 회사 얘기'라는 공감을 만듦",
		hooks:     []string{"우리 팀장님 특", "회의 5분 전 국룰", "직장인이면 무조건 공감"},
		titles:    []string{"회의 시간 국룰", "점심 메뉴 고르기", "퇴근 5분 전"},
		mood:      "공감 가는", sound: "대사를 가리지 않는 잔잔한 비트", beat: false, shotS: 3.0, dropFaster: 1,
		bank: parseBank("office-relatable", `
@setup 모니터 앞에서 굳은 표정 | 클로즈업 | 메신저 알림에 움찔
= 띠링 / 띠링
- 팀장님 메시지 옴 / 팀장님께 메시지가 왔어요
- 퇴근 5분 전 / 퇴근 5분 전이에요
@setup 점심 메뉴 고민하는 동료들 | 투샷 | 서로 눈치 보기
= 점심 회의 / 점심 회의
- 아무거나 괜찮아 / 저는 아무거나 괜찮아요
@turn 메시지를 읽는 화면 | 오버 숄더샷 | 천천히 스크롤
= 불길 / 불길
- 잠깐 얘기 좀 할까? / 잠깐 얘기 좀 할까요?
- 읽씹하면 안 되겠지 / 읽고 답 안 하면 안 되겠죠
@punchline 동료와 눈 마주치기 | 투샷 | 말없이 고개 끄덕이기
= 국룰 / 국룰
- 오늘 야근 확정 / 오늘 야근 확정이에요
- 이게 회사지 / 이게 회사죠
@reaction 탕비실에서 커피 타기 | 미디엄샷 | 한숨 쉬며 커피 젓기
= 충전 / 충전
- 커피 수혈 중 / 커피 수혈 중이에요
- 오늘 세 잔째 / 오늘 벌써 세 잔째예요
@reaction 회의실에서 말하는 모습 | 미디엄샷 | 손으로 설명하기
= 회의 중 / 회의 중
- 그래서 결론이 뭐야 / 그래서 결론이 뭔가요
@cta 가방 메고 나가는 뒷모습 | 풀샷 | 문 앞에서 뒤돌아보기
= 탈출 / 탈출
- 동료 태그하고 퇴근 / 동료를 태그하고 퇴근하세요
- 너네 회사도 그래? / 여러분 회사도 그런가요?
`),
		props:      []string{"사원증", "노트북", "머그컵"},
		checklist:  []string{"실제 회사 로고와 동료 얼굴은 가리기", "대사는 짧게 끊어서", "사무실 소음 줄이기"},
		convention: fmtAd("직장 호칭", "'팀장님', '대리님' 같은 한국 회사 호칭", "한국 회사의 호칭 체계라야 바로 알아들음"),
		suggestion: fmtAd("회사 장면", "원본이 재택 화상 회의라면 팀장님 메신저, 회식, 탕비실처럼 한국 직장의 장면으로 바꿔 보세요", "한국 직장 문화의 대표 장면이라 공감이 큼"),
		tags:       []string{"#직장인", "#직장인공감", "#회사생활", "#퇴근", "#공감"},
		mid:        "#공감", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "storytime", name: "썰 풀기",
		mechanism: "짧은 실화를 말의 호흡대로 끊고 자막으로 이어 붙여 끝까지 보게 만드는 이야기의 힘",
		hooks:     []string{"이거 실화임", "내가 겪은 제일 황당한 일", "끝까지 들어야 함"},
		titles:    []string{"소개팅 썰", "알바하다 생긴 일", "택배 기사님 썰"},
		mood:      "몰입되는", sound: "말소리를 가리지 않는 작은 앰비언트", beat: false, shotS: 3.2, dropFaster: 1,
		bank: parseBank("storytime", `
@setup 카메라 가까이에서 속삭이는 모습 | 클로즈업 | 주변을 살피며 말 시작
= 실화 / 실화
- 이거 진짜 실화야 / 이거 정말 실화예요
- 끝까지 들어 봐 / 끝까지 들어 보세요
@setup 이야기하며 손짓하는 모습 | 바스트샷 | 말이 바뀔 때 자세 바꾸기
= 그래서 / 그래서
- 내가 뭐라고 했냐면 / 제가 뭐라고 했냐면요
- 일단 들어 봐 / 일단 들어 보세요
@setup 기억을 떠올리는 표정 | 클로즈업 | 눈을 감았다 뜨기
= 회상 / 회상
- 그날따라 이상했어 / 그날따라 이상했어요
@turn 손으로 상황 재연 | 클로즈업 | 물건으로 위치 설명
= 재연 / 재연
- 이렇게 서 있었거든 / 이렇게 서 있었거든요
- 근데 거기서 갑자기 / 그런데 거기서 갑자기요
@punchline 결정적 순간을 말하는 모습 | 익스트림 클로즈업 | 잠깐 멈췄다가 말하기
= 결정적 / 결정적
- 그게 우리 엄마였어 / 그게 저희 엄마였어요
- 상상도 못 했지 / 상상도 못 하셨죠
@reaction 허탈하게 웃는 모습 | 바스트샷 | 어깨 으쓱
= 허탈 / 허탈
- 아직도 이해 안 됨 / 아직도 이해가 안 돼요
- 지금 생각해도 웃겨 / 지금 생각해도 웃겨요
@reaction 한숨 쉬며 고개 젓기 | 클로즈업 | 이마 짚기
= 한숨 / 한숨
- 그날 이후로 안 감 / 그날 이후로 안 가요
@cta 카메라를 보며 마무리 | 바스트샷 | 손가락으로 댓글 가리키기
= 2탄 예고 / 2탄 예고
- 너도 이런 썰 있어? / 여러분도 이런 경험 있나요?
- 2탄은 댓글 보고 / 2탄은 댓글 보고 올게요
`),
		props:      []string{"핀 마이크", "깔끔한 배경"},
		checklist:  []string{"외장 마이크로 녹음", "말 사이 숨 쉬는 구간을 컷 포인트로", "자막은 말보다 0.2초 먼저"},
		convention: fmtAd("썰 영상의 말투", "'썰 푼다' 말투의 반말 자막, 한 컷에 한 문장", "한국 숏폼 썰 영상의 관용 문체"),
		suggestion: fmtAd("이야기 소재", "원본 이야기가 해외 생활 이야기라면 알바, 소개팅, 택배처럼 한국에서 흔한 일로 바꿔 보세요", "들어 본 상황이라야 끝까지 들음"),
		tags:       []string{"#썰", "#실화", "#썰풀기", "#공감", "#storytime"},
		mid:        "#공감", difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "pet-dub", name: "반려동물 더빙",
		mechanism: "동물의 표정에 사람 말투 자막을 붙여 엉뚱한 속마음을 상상하게 하는 구조",
		hooks:     []string{"우리 집 고양이 속마음", "강아지가 말을 한다면", "집사 공감 100%"},
		titles:    []string{"고양이 속마음 더빙", "산책 가기 전 강아지", "집사 vs 냥이"},
		mood:      "귀여운", sound: "통통 튀는 우쿨렐레 느낌 비트", beat: false, shotS: 2.8, dropFaster: 0.8,
		bank: parseBank("pet-dub", `
@setup 반려동물이 카메라를 쳐다보는 장면 | 클로즈업 | 간식 봉지 소리 내기
= 속마음 / 속마음
- 집사 또 뭐 해 / 집사님, 또 뭐 하세요
- 나 부른 거 맞지? / 저 부르신 거 맞죠?
@setup 창밖을 보는 뒷모습 | 미디엄샷 | 이름을 불러 돌아보게 하기
= 사색 중 / 사색 중
- 지금 생각 중이야 / 지금 생각 중이에요
- 부르지 마, 바빠 / 부르지 마세요, 바빠요
@turn 반려동물이 다가오는 장면 | 로우앵글 | 간식을 흔들기
= 접근 중 / 접근 중
- 간식 냄새 난다 / 간식 냄새가 나요
- 모른 척해야지 / 모른 척해야겠어요
@punchline 간식을 낚아채는 장면 | 클로즈업 | 간식을 순식간에 주기
= 득템 / 득템
- 이건 내 거야 / 이건 제 거예요
- 봤지? 내가 이김 / 보셨죠? 제가 이겼어요
@punchline 간식 앞에서 얼음처럼 멈춘 장면 | 클로즈업 | 간식을 코앞에 두고 "기다려" 하기
= 일시 정지 / 일시 정지
- 기다려는 못 참지 / 기다리라니요, 못 참아요
@reaction 배부르게 누운 장면 | 탑샷 | 배 만지기
= 만족 / 만족
- 이제 자야지 / 이제 자야겠어요
- 배부르니 세상 평화 / 배부르니 세상이 평화롭네요
@reaction 집사를 빤히 쳐다보는 장면 | 클로즈업 | 눈 마주치고 기다리기
= 한 개 더 / 한 개 더
- 한 개 더 줄 거지? / 하나 더 주실 거죠?
@cta 반려동물이 하품하는 장면 | 클로즈업 | 마지막에 눈 감기
= 쿨쿨 / 쿨쿨
- 너네 집 애도 보여 줘 / 여러분 반려동물도 보여 주세요
- 오늘 할 일 끝 / 오늘 할 일은 끝났어요
`),
		props:      []string{"간식", "장난감"},
		checklist:  []string{"동물이 스트레스받지 않게 짧게 촬영", "눈높이로 낮춰 찍기", "더빙 자막은 말풍선처럼 얼굴 옆에"},
		convention: fmtAd("동물의 속마음 말투", "'집사' 호칭과 반말 속마음 자막", "한국 반려인 커뮤니티의 관용 표현"),
		suggestion: fmtAd("더빙 방식", "원본에 사람 목소리 더빙이 있다면 목소리 대신 속마음 자막으로 바꿔 보세요", "소리 없이 보는 시청자도 바로 웃음"),
		tags:       []string{"#반려동물", "#집사", "#고양이", "#강아지", "#멍스타그램"},
		mid:        "#귀여움", difficulty: kmeme.DifficultyMedium,
	},
}

// broadTag is the broad hashtag per platform.
var broadTag = map[kmeme.Platform]string{
	kmeme.PlatformTikTok: "#틱톡",
	kmeme.PlatformShorts: "#Shorts",
	kmeme.PlatformReels:  "#릴스",
}
