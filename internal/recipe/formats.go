package recipe

import "github.com/kmeme-factory/kmeme/internal/kmeme"

// role is what a shot does in the plan: open with the hook, build up, hit
// the drop, breathe, close with a call to action, or carry speech.
type role string

const (
	roleHook   role = "hook"
	roleBuild  role = "build"
	roleDrop   role = "drop"
	roleBreak  role = "break"
	roleOutro  role = "outro"
	roleSpeech role = "speech"
)

// line is one caption in both registers.
type line struct{ casual, polite string }

// idea is one shot a format can ask for.
type idea struct {
	film, framing, action string
	overtitles            []string
	captions              []line
}

// format is one meme format the local planner knows: its mechanism (what
// carries across cultures), the shots it is made of and its Korean
// material.
type format struct {
	id, name  string
	mechanism string
	hooks     []string
	titles    []string
	mood      string
	sound     string // kind of sound, by feel; the planner adds the tempo
	// wantsTempo is +1 for formats that live on the beat, -1 for formats
	// that live on speech, 0 for either.
	wantsTempo int
	// motion is the source motion the format suits, in [0,1].
	motion float64
	// cutRate is the cuts per second the format suits.
	cutRate float64
	// bpmLo, bpmHi is the tempo range the format feels right at (0: any).
	bpmLo, bpmHi float64
	keywords     []string // matched against Gemini's format and description
	ideas        map[role][]idea
	props        []string
	checklist    []string
	adaptations  []kmeme.Adaptation
	tags         []string
	difficulty   kmeme.Difficulty
}

// formats is the library, in a fixed order so plans are deterministic.
var formats = []format{
	{
		id: "dance-challenge", name: "댄스 챌린지",
		mechanism: "쉬운 포인트 안무를 박자에 딱 맞춰 반복해서, 보는 사람도 따라 하고 싶게 만드는 구조",
		hooks:     []string{"포인트 안무 하나로 끝내는 챌린지", "10초면 외우는 킬링 파트", "박자 타는 맛이 다른 챌린지"},
		titles:    []string{"킬링 파트 챌린지", "퇴근길 댄스 챌린지", "동네 친구랑 댄스 챌린지", "한 번에 외우는 안무"},
		mood:      "신나는", sound: "신나는 댄스 팝 비트", wantsTempo: 1, motion: 0.6, cutRate: 0.5,
		bpmLo: 95, bpmHi: 135,
		keywords: []string{"dance", "challenge", "choreo", "댄스", "춤"},
		ideas: map[role][]idea{
			roleHook: {
				{"정면에서 포즈 잡고 대기하는 모습", "풀샷", "음악 시작 직전 카메라를 손가락으로 가리키기", []string{"챌린지 간다", "준비 완료"}, []line{{"이 안무 10초 컷", "이 안무 10초면 돼요"}, {"같이 출 사람?", "같이 추실 분?"}}},
				{"뒤돌아 있다가 박자에 맞춰 돌아보는 모습", "미디엄샷", "첫 박에 돌아서기", []string{"두둥", "시작!"}, []line{{"이거 나만 못 춰?", "이거 저만 못 추나요?"}}},
			},
			roleBuild: {
				{"상체 위주 포인트 동작", "미디엄샷", "두 박마다 팔 동작 바꾸기", []string{"여기 포인트", "팔 먼저"}, []line{{"팔부터 천천히", "팔부터 천천히 해요"}, {"하나 둘 셋 넷", "하나 둘 셋 넷"}}},
				{"발 스텝 클로즈업", "로우앵글 클로즈업", "스텝을 박자에 맞춰 밟기", []string{"발 주목", "스텝 체크"}, []line{{"발은 이렇게만", "발은 이렇게만 하세요"}}},
			},
			roleDrop: {
				{"킬링 파트 풀 안무", "풀샷", "드롭 첫 박에 점프하며 시작", []string{"킬링 파트", "여기서 터짐"}, []line{{"여기가 킬링 파트!", "여기가 킬링 파트예요!"}, {"지금 따라 해!", "지금 따라 해 보세요!"}}},
				{"친구와 마주 보고 같은 동작", "투샷", "박마다 위치 바꾸기", []string{"합 맞추기", "찰떡 호흡"}, []line{{"둘이 하면 두 배 재밌음", "둘이 하면 두 배로 재밌어요"}}},
				{"카메라 앞으로 다가오며 마무리 동작", "클로즈업", "박자마다 한 걸음씩 다가오기", []string{"얼굴 공격", "줌 인"}, []line{{"표정까지 챙겨야 돼", "표정까지 챙겨 주세요"}}},
			},
			roleBreak: {
				{"숨 고르며 웃는 모습", "미디엄샷", "잠깐 멈추고 카메라 보기", []string{"숨 고르기", "잠시만"}, []line{{"잠깐 숨 좀 쉬고", "잠깐 숨 좀 쉬고요"}}},
			},
			roleOutro: {
				{"마지막 포즈로 정지", "풀샷", "마지막 박에 손가락 하트", []string{"엔딩 포즈", "끝!"}, []line{{"너도 해 보고 태그해 줘", "여러분도 해 보고 태그해 주세요"}, {"저장해 두고 연습하기", "저장해 두고 연습해 보세요"}}},
			},
		},
		props:     []string{"삼각대", "휴대폰 조명", "편한 운동화"},
		checklist: []string{"바닥이 미끄럽지 않은 곳에서 촬영", "전신이 9:16 화면 안에 들어오는지 확인", "안무를 박자 카운트로 세 번 연습"},
		adaptations: []kmeme.Adaptation{
			{Source: "원본의 영어 구호", Korean: "'하나 둘 셋 넷' 한국어 카운트", Reason: "한국 시청자가 바로 따라 세기 쉬움"},
			{Source: "미국 교외 주택 배경", Korean: "아파트 복도나 한강 공원", Reason: "한국 시청자에게 익숙한 생활 공간"},
		},
		tags:       []string{"#댄스챌린지", "#챌린지", "#춤스타그램", "#안무", "#kpopdance"},
		difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "outfit-transition", name: "변신 트랜지션",
		mechanism: "박자에 맞춘 컷 하나로 평범한 모습이 완전히 달라지는 반전의 쾌감",
		hooks:     []string{"박자 한 번에 완전 변신", "비포 애프터 차이 실화?", "컷 하나로 딴사람 되기"},
		titles:    []string{"출근룩 변신 챌린지", "잠옷에서 외출복까지 1초", "주말 변신 트랜지션"},
		mood:      "반전 있는", sound: "드롭이 확실한 EDM 비트", wantsTempo: 1, motion: 0.4, cutRate: 1.0,
		bpmLo: 118, bpmHi: 160,
		keywords: []string{"transition", "outfit", "glow", "transformation", "변신", "before"},
		ideas: map[role][]idea{
			roleHook: {
				{"잠옷 차림으로 하품하는 모습", "미디엄샷", "카메라 렌즈를 손으로 가리기", []string{"before", "평소의 나"}, []line{{"평소의 나", "평소의 저예요"}, {"이게 나라고?", "이게 저라고요?"}}},
			},
			roleBuild: {
				{"옷을 손에 들고 흔드는 모습", "미디엄샷", "박자마다 옷 하나씩 보여 주기", []string{"준비 중", "두근두근"}, []line{{"오늘 뭐 입지", "오늘 뭐 입을까요"}, {"3초만 기다려", "3초만 기다려 주세요"}}},
				{"거울 앞에서 머리 정리", "클로즈업", "박자에 맞춰 고개 돌리기", []string{"변신 직전"}, []line{{"곧 반전 나옴", "곧 반전 나와요"}}},
			},
			roleDrop: {
				{"같은 자리에서 외출복 차림으로 등장", "미디엄샷", "드롭 첫 박에 손을 떼며 변신 공개", []string{"after", "짜잔"}, []line{{"변신 완료", "변신 완료했어요"}, {"이게 같은 사람?", "이게 같은 사람이에요?"}}},
				{"걸어가며 뒤돌아보기", "풀샷", "박마다 포즈 바꾸기", []string{"워킹 타임"}, []line{{"걸음부터 달라짐", "걸음부터 달라져요"}}},
			},
			roleBreak: {
				{"소품 클로즈업", "익스트림 클로즈업", "액세서리를 박자에 맞춰 보여 주기", []string{"디테일"}, []line{{"포인트는 이거", "포인트는 이거예요"}}},
			},
			roleOutro: {
				{"다시 잠옷으로 돌아와 눕는 모습", "미디엄샷", "마지막 박에 이불 덮기", []string{"현실 복귀"}, []line{{"근데 약속 취소됨", "근데 약속이 취소됐어요"}, {"너의 변신도 보여 줘", "여러분의 변신도 보여 주세요"}}},
			},
		},
		props:     []string{"삼각대(위치 고정 필수)", "갈아입을 옷 한 벌", "거울"},
		checklist: []string{"삼각대 위치와 높이를 테이프로 표시", "변신 전후 같은 자리에 서기", "조명을 바꾸지 않기"},
		adaptations: []kmeme.Adaptation{
			{Source: "할로윈 코스튬", Korean: "출근룩이나 교복에서 사복으로", Reason: "한국에서 매일 겪는 변신이라 공감이 큼"},
			{Source: "영어 텍스트 'before/after'", Korean: "'평소의 나 / 약속 있는 나' 자막", Reason: "예능 자막처럼 짧고 한국어 말맛이 살아 있음"},
		},
		tags:       []string{"#변신", "#트랜지션", "#데일리룩", "#transition", "#출근룩"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "reaction", name: "리액션",
		mechanism: "예상 못 한 장면에 대한 과장된 표정이 웃음 포인트, 보는 사람이 그 감정을 함께 느낌",
		hooks:     []string{"내 표정이 모든 걸 말해 줌", "이 반응 실화냐", "끝까지 보면 표정 변함"},
		titles:    []string{"찐 반응 모음", "표정 관리 실패", "처음 보는 사람 반응"},
		mood:      "웃긴", sound: "가벼운 코믹 효과음이 있는 잔잔한 비트", wantsTempo: 0, motion: 0.2, cutRate: 0.4,
		keywords: []string{"reaction", "react", "face", "리액션", "반응"},
		ideas: map[role][]idea{
			roleHook: {
				{"화면을 보며 멍한 표정", "클로즈업", "천천히 눈을 크게 뜨기", []string{"??", "동공 지진"}, []line{{"잠깐 이게 뭐야", "잠깐만요 이게 뭐죠"}, {"내 눈을 의심함", "제 눈을 의심했어요"}}},
			},
			roleBuild: {
				{"휴대폰 화면에 얼굴을 가까이 대는 모습", "익스트림 클로즈업", "입을 가리고 숨 참기", []string{"설마", "두근"}, []line{{"설마 아니겠지", "설마 아니겠죠"}, {"어디까지 가는 거야", "어디까지 가는 거예요"}}},
			},
			roleDrop: {
				{"뒤로 넘어질 듯 놀라는 모습", "미디엄샷", "박자에 맞춰 소리 없이 비명", []string{"헐", "대박"}, []line{{"아니 이게 된다고?", "아니 이게 된다고요?"}, {"말도 안 돼", "말도 안 돼요"}}},
				{"옆 사람 어깨를 치며 웃는 모습", "투샷", "박마다 박수", []string{"빵 터짐"}, []line{{"웃음 참기 실패", "웃음 참기 실패했어요"}}},
			},
			roleBreak: {
				{"진정하려고 물 마시는 모습", "미디엄샷", "한숨 쉬기", []string{"진정", "후…"}, []line{{"일단 진정하고", "일단 진정하고요"}}},
			},
			roleSpeech: {
				{"카메라에 대고 설명하는 모습", "클로즈업", "손짓하며 말하기", []string{"설명 들어감"}, []line{{"근데 진짜 이게 맞아?", "근데 정말 이게 맞나요?"}, {"들어 봐 봐", "한번 들어 보세요"}}},
			},
			roleOutro: {
				{"카메라를 보며 엄지척", "클로즈업", "마지막에 고개 끄덕이기", []string{"인정", "ㅇㅈ"}, []line{{"너라면 어떻게 할래?", "여러분이라면 어떻게 하실래요?"}, {"댓글로 반응 남겨 줘", "댓글로 반응 남겨 주세요"}}},
			},
		},
		props:     []string{"휴대폰 거치대", "원본 영상을 띄울 화면"},
		checklist: []string{"얼굴에 조명이 고르게 닿는지 확인", "반응은 과장되게 두 번 찍기", "원본 화면은 저작권 때문에 직접 재연하기"},
		adaptations: []kmeme.Adaptation{
			{Source: "영어 감탄사 'OMG'", Korean: "'헐', '대박', '동공 지진' 자막", Reason: "한국 예능 리액션 자막의 관용 표현"},
			{Source: "원본 영상 그대로 삽입", Korean: "같은 상황을 직접 재연", Reason: "타인 영상 재사용은 저작권 위험이 있음"},
		},
		tags:       []string{"#리액션", "#반응", "#웃긴영상", "#찐반응", "#표정"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "pov-skit", name: "POV 상황극",
		mechanism: "누구나 겪어 본 상황을 1인칭 시점으로 재연해 '이거 완전 나'라는 공감을 이끌어 냄",
		hooks:     []string{"POV: 이거 완전 나", "다들 한 번쯤 겪어 봤잖아", "공감하면 저장"},
		titles:    []string{"월요일 아침 POV", "단톡방 POV", "알바생 POV", "엄마한테 혼나기 직전 POV"},
		mood:      "공감 가는", sound: "대사가 잘 들리는 잔잔한 로파이 비트", wantsTempo: -1, motion: 0.3, cutRate: 0.3,
		keywords: []string{"pov", "skit", "comedy", "sketch", "상황극"},
		ideas: map[role][]idea{
			roleHook: {
				{"카메라를 상대방처럼 바라보는 1인칭 장면", "클로즈업", "어색하게 웃으며 말 걸기", []string{"POV", "상황 설명"}, []line{{"너 이거 알지?", "이거 아시죠?"}, {"월요일 아침 9시", "월요일 아침 9시예요"}}},
			},
			roleBuild: {
				{"상황이 꼬이기 시작하는 장면", "미디엄샷", "주변을 두리번거리기", []string{"불길함", "그때"}, []line{{"근데 뭔가 이상해", "근데 뭔가 이상해요"}, {"갑자기 분위기 싸해짐", "갑자기 분위기가 싸해졌어요"}}},
			},
			roleDrop: {
				{"반전 대사를 치는 장면", "클로즈업", "정색하며 카메라 보기", []string{"반전", "정적"}, []line{{"아 그거 나였어", "아 그거 저였어요"}, {"이래서 월요일이 싫어", "이래서 월요일이 싫어요"}}},
			},
			roleBreak: {
				{"머리를 감싸는 장면", "미디엄샷", "한숨", []string{"현타"}, []line{{"현타 제대로 옴", "현타가 제대로 왔어요"}}},
			},
			roleSpeech: {
				{"두 역할을 번갈아 연기하는 장면", "숄더샷", "말할 때마다 자리 바꾸기", []string{"1인 2역"}, []line{{"아니 그게 아니라", "아니요 그게 아니라요"}, {"내 말 좀 들어 봐", "제 말 좀 들어 보세요"}}},
			},
			roleOutro: {
				{"카메라를 보며 체념한 표정", "클로즈업", "어깨 으쓱", []string{"결말", "ㅋㅋ"}, []line{{"너도 이런 적 있지?", "여러분도 이런 적 있죠?"}, {"공감되면 친구 태그", "공감되면 친구를 태그해 주세요"}}},
			},
		},
		props:     []string{"상황에 맞는 소품(가방, 사원증 등)", "옷 두 벌(1인 2역)"},
		checklist: []string{"대사는 한 컷에 한 문장", "1인 2역은 옷과 위치로 구분", "조용한 곳에서 녹음"},
		adaptations: []kmeme.Adaptation{
			{Source: "미국 고등학교 상황", Korean: "한국 학교 야자 시간이나 회사 회식", Reason: "한국 시청자가 직접 겪는 상황이라 공감이 큼"},
			{Source: "영어 말장난", Korean: "한국어 줄임말과 유행어로 재창작", Reason: "말장난은 직역하면 웃음이 사라짐"},
		},
		tags:       []string{"#POV", "#상황극", "#공감", "#현실고증", "#직장인공감"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "expectation-reality", name: "기대 vs 현실",
		mechanism: "그럴듯한 기대 장면 뒤에 초라한 현실을 붙여 낙차로 웃기는 구조",
		hooks:     []string{"기대와 현실의 온도 차", "인스타 vs 현실", "광고랑 너무 다른데?"},
		titles:    []string{"다이어트 기대 vs 현실", "여행 사진 기대 vs 현실", "자취 요리 기대 vs 현실"},
		mood:      "허탈하게 웃긴", sound: "전반은 우아하고 후반은 깨는 비트", wantsTempo: 0, motion: 0.3, cutRate: 0.6,
		bpmLo: 85, bpmHi: 130,
		keywords: []string{"expectation", "reality", "vs", "기대", "현실"},
		ideas: map[role][]idea{
			roleHook: {
				{"완벽하게 꾸민 장면", "풀샷", "우아하게 커피 마시기", []string{"기대", "로망"}, []line{{"내가 꿈꾼 주말", "제가 꿈꾼 주말이에요"}, {"오늘은 갓생 산다", "오늘은 갓생 삽니다"}}},
			},
			roleBuild: {
				{"기대 장면의 디테일", "클로즈업", "슬로모션처럼 천천히 움직이기", []string{"분위기 최고"}, []line{{"여기까진 완벽했지", "여기까진 완벽했죠"}}},
			},
			roleDrop: {
				{"같은 구도의 엉망인 현실", "풀샷", "드롭 첫 박에 장면 전환", []string{"현실", "처참"}, []line{{"현실은 이렇다", "현실은 이래요"}, {"갓생은 내일부터", "갓생은 내일부터 할게요"}}},
				{"현실 디테일 클로즈업", "클로즈업", "박마다 엉망인 물건 보여 주기", []string{"ㅋㅋㅋ"}, []line{{"이게 맞냐고", "이게 맞나요"}}},
			},
			roleBreak: {
				{"멍하게 앉아 있는 모습", "미디엄샷", "천장 보기", []string{"체념"}, []line{{"뭐 어때", "뭐 어때요"}}},
			},
			roleOutro: {
				{"현실을 받아들이고 웃는 모습", "미디엄샷", "브이 하기", []string{"만족"}, []line{{"너의 현실도 보여 줘", "여러분의 현실도 보여 주세요"}}},
			},
		},
		props:     []string{"기대 장면용 소품(꽃, 예쁜 컵)", "현실 장면용 어질러진 소품"},
		checklist: []string{"기대와 현실을 같은 구도로 촬영", "색감 차이를 편집에서 강조", "전환은 반드시 박자에 맞추기"},
		adaptations: []kmeme.Adaptation{
			{Source: "미국식 브런치", Korean: "한강 라면이나 편의점 도시락", Reason: "한국인이 아는 '현실'이어야 낙차가 웃김"},
			{Source: "'Expectation / Reality' 텍스트", Korean: "'기대 / 현실' 두 글자 예능 자막", Reason: "짧고 크게 보여야 모바일에서 읽힘"},
		},
		tags:       []string{"#기대vs현실", "#현실", "#갓생", "#자취생", "#웃긴영상"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "lip-sync", name: "립싱크",
		mechanism: "익숙한 리듬에 입 모양과 표정 연기를 얹어 상황과 가사의 엇박자로 웃김",
		hooks:     []string{"표정 연기가 다 했다", "입 모양만 봐도 웃김", "이 대사 찰떡 아님?"},
		titles:    []string{"찰떡 립싱크", "표정 장인 립싱크", "엄마 잔소리 립싱크"},
		mood:      "능청스러운", sound: "리듬이 또렷한 미디엄 템포 힙합 비트", wantsTempo: 1, motion: 0.25, cutRate: 0.3,
		bpmLo: 75, bpmHi: 110,
		keywords: []string{"lip", "sync", "lipsync", "립싱크", "mouth"},
		ideas: map[role][]idea{
			roleHook: {
				{"무표정으로 카메라 응시", "클로즈업", "첫 박에 눈썹 올리기", []string{"집중", "주목"}, []line{{"이 표정 기억해", "이 표정 기억해 주세요"}}},
			},
			roleBuild: {
				{"입 모양 크게 따라 하기", "클로즈업", "박마다 고개 까딱", []string{"입 모양", "연기 중"}, []line{{"입 모양 정확하게", "입 모양은 정확하게요"}, {"여기서 눈빛 발사", "여기서 눈빛 발사해요"}}},
			},
			roleDrop: {
				{"과장된 표정으로 클라이맥스", "익스트림 클로즈업", "드롭에 맞춰 손짓 크게", []string{"하이라이트", "폭주"}, []line{{"이 부분이 찐이야", "이 부분이 진짜예요"}, {"감정 과다 주의", "감정 과다 주의하세요"}}},
			},
			roleBreak: {
				{"잠시 멈추고 머리 넘기기", "미디엄샷", "여유 있게 웃기", []string{"여유"}, []line{{"잠깐 여유 좀 부리고", "잠깐 여유 좀 부리고요"}}},
			},
			roleOutro: {
				{"윙크로 마무리", "클로즈업", "마지막 박에 윙크", []string{"끝"}, []line{{"너도 도전해 봐", "여러분도 도전해 보세요"}}},
			},
		},
		props:     []string{"링 라이트", "이어폰(박자 확인용)"},
		checklist: []string{"이어폰으로 박자를 들으며 촬영", "얼굴이 화면 위쪽 3분의 1에 오도록", "음원은 플랫폼 라이브러리에서 템포가 같은 곡 선택"},
		adaptations: []kmeme.Adaptation{
			{Source: "영어 가사 립싱크", Korean: "한국 드라마 명대사 톤의 표정 연기", Reason: "저작권 확인이 어려운 원곡 대신 표정이 웃음을 만듦"},
		},
		tags:       []string{"#립싱크", "#표정연기", "#챌린지", "#lipsync", "#연기"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "food-asmr", name: "먹방·요리 숏폼",
		mechanism: "소리와 클로즈업으로 오감을 자극하고, 박자에 맞춘 조리 과정이 리듬감을 줌",
		hooks:     []string{"소리부터 맛있는 레시피", "편의점 재료로 5분 컷", "자취생 필수 레시피"},
		titles:    []string{"편의점 조합 레시피", "5분 컷 야식", "라면 업그레이드"},
		mood:      "아늑한", sound: "부드러운 로파이 비트", wantsTempo: 0, motion: 0.35, cutRate: 0.8,
		bpmLo: 70, bpmHi: 105,
		keywords: []string{"food", "cook", "recipe", "eat", "asmr", "먹방", "요리"},
		ideas: map[role][]idea{
			roleHook: {
				{"완성된 음식 클로즈업", "익스트림 클로즈업", "치즈 늘리기", []string{"완성본", "비주얼"}, []line{{"이게 5분 컷이라고?", "이게 5분이면 돼요"}, {"편의점 재료 조합", "편의점 재료로 만들어요"}}},
			},
			roleBuild: {
				{"재료 손질 손 클로즈업", "탑샷", "박마다 재료 하나씩 넣기", []string{"재료 투하", "착착"}, []line{{"이거 넣고 저거 넣고", "이거 넣고 저거 넣어요"}, {"불은 중불로", "불은 중불로 맞춰요"}}},
			},
			roleDrop: {
				{"지글지글 볶는 장면", "클로즈업", "드롭에 맞춰 뒤집기", []string{"지글지글", "불맛"}, []line{{"소리 미쳤다", "소리가 미쳤어요"}}},
				{"첫입 먹는 모습", "클로즈업", "박자에 맞춰 고개 끄덕", []string{"한입", "JMT"}, []line{{"이 맛 실화냐", "이 맛 실화예요?"}}},
			},
			roleBreak: {
				{"김이 나는 그릇", "클로즈업", "숟가락 들기", []string{"김 모락"}, []line{{"잠깐 식히고", "잠깐 식히고요"}}},
			},
			roleOutro: {
				{"빈 그릇 보여 주기", "탑샷", "엄지척", []string{"완뚝", "클리어"}, []line{{"저장하고 꼭 해 봐", "저장하고 꼭 해 보세요"}}},
			},
		},
		props:     []string{"탑샷용 거치대", "재료", "예쁜 그릇"},
		checklist: []string{"조리 소리를 따로 녹음", "김이 보이게 역광 조명", "재료 이름은 자막으로"},
		adaptations: []kmeme.Adaptation{
			{Source: "미국 마트 재료", Korean: "편의점 재료(라면, 삼각김밥, 치즈)", Reason: "한국 시청자가 바로 사서 따라 할 수 있음"},
			{Source: "계량 단위 컵·온스", Korean: "숟가락·종이컵 계량", Reason: "한국 가정에서 쓰는 단위"},
		},
		tags:       []string{"#먹방", "#레시피", "#편의점조합", "#자취요리", "#야식"},
		difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "vlog-montage", name: "브이로그 몽타주",
		mechanism: "짧은 일상 컷을 박자마다 이어 붙여 하루를 한 호흡에 보여 주는 리듬의 쾌감",
		hooks:     []string{"하루를 15초에 담아 봄", "직장인 하루 압축", "박자마다 바뀌는 하루"},
		titles:    []string{"출근부터 퇴근까지", "대학생 하루 브이로그", "주말 하루 몽타주"},
		mood:      "경쾌한", sound: "경쾌한 시티팝 느낌 비트", wantsTempo: 1, motion: 0.45, cutRate: 1.5,
		bpmLo: 100, bpmHi: 128,
		keywords: []string{"vlog", "day", "montage", "life", "브이로그", "일상"},
		ideas: map[role][]idea{
			roleHook: {
				{"알람 끄는 손", "클로즈업", "첫 박에 알람 끄기", []string{"기상", "AM 7:00"}, []line{{"오늘도 시작", "오늘도 시작합니다"}, {"하루 15초 요약", "하루를 15초로 요약해요"}}},
			},
			roleBuild: {
				{"지하철이나 버스 창밖", "POV", "박마다 시선 옮기기", []string{"출근길", "이동 중"}, []line{{"출근길 지옥철", "출근길 지옥철이에요"}, {"커피 없인 못 살아", "커피 없인 못 살아요"}}},
				{"책상 위 노트북과 커피", "탑샷", "박에 맞춰 키보드 치기", []string{"업무 모드"}, []line{{"일하는 척 중", "일하는 중이에요"}}},
			},
			roleDrop: {
				{"퇴근하며 뛰쳐나가는 모습", "풀샷", "드롭에 맞춰 점프", []string{"퇴근!", "자유"}, []line{{"퇴근이다!", "퇴근입니다!"}, {"이 순간을 위해 살아", "이 순간을 위해 살아요"}}},
				{"저녁 메뉴 컷", "클로즈업", "박마다 음식 바꾸기", []string{"보상", "저녁"}, []line{{"오늘 저녁은 이거", "오늘 저녁은 이거예요"}}},
			},
			roleBreak: {
				{"창밖 노을", "와이드샷", "천천히 팬", []string{"노을"}, []line{{"오늘도 수고했어", "오늘도 수고하셨어요"}}},
			},
			roleOutro: {
				{"침대에 눕는 모습", "탑샷", "마지막 박에 불 끄기", []string{"취침", "끝"}, []line{{"너의 하루도 보여 줘", "여러분의 하루도 보여 주세요"}}},
			},
		},
		props:     []string{"짐벌이나 손떨림 방지", "하루 일정표"},
		checklist: []string{"컷마다 2초 이상 여유 있게 촬영", "장소마다 다른 구도", "편집에서 컷을 박자에 맞추기"},
		adaptations: []kmeme.Adaptation{
			{Source: "자동차 출근", Korean: "지하철·버스 출근", Reason: "한국 도시 직장인의 일상"},
			{Source: "영어 시간 자막", Korean: "'AM 7:00' 대신 '기상', '퇴근' 같은 상황 자막", Reason: "상황 단어가 더 빨리 읽힘"},
		},
		tags:       []string{"#브이로그", "#일상", "#직장인브이로그", "#vlog", "#데일리"},
		difficulty: kmeme.DifficultyMedium,
	},
	{
		id: "office-relatable", name: "직장인 공감",
		mechanism: "회사 생활의 사소한 짜증을 과장해 '우리 회사 얘기'라는 공감을 만듦",
		hooks:     []string{"우리 팀장님 특", "회의 5분 전 국룰", "직장인이면 무조건 공감"},
		titles:    []string{"회의 시간 국룰", "점심 메뉴 고르기", "퇴근 5분 전"},
		mood:      "공감 가는", sound: "대사가 잘 들리는 잔잔한 비트", wantsTempo: -1, motion: 0.2, cutRate: 0.3,
		keywords: []string{"office", "work", "boss", "job", "회사", "직장"},
		ideas: map[role][]idea{
			roleHook: {
				{"모니터 앞에서 굳은 표정", "클로즈업", "메신저 알림에 움찔", []string{"띠링", "긴장"}, []line{{"팀장님 메시지 옴", "팀장님께 메시지가 왔어요"}, {"퇴근 5분 전", "퇴근 5분 전이에요"}}},
			},
			roleBuild: {
				{"메시지를 읽는 화면", "오버 숄더샷", "천천히 스크롤", []string{"불길", "설마"}, []line{{"잠깐 얘기 좀 할까", "잠깐 얘기 좀 할까요"}}},
			},
			roleDrop: {
				{"동료와 눈 마주치기", "투샷", "말없이 고개 끄덕이기", []string{"눈빛 교환", "국룰"}, []line{{"오늘 야근 확정", "오늘 야근 확정이에요"}, {"이게 회사야", "이게 회사예요"}}},
			},
			roleBreak: {
				{"탕비실에서 커피 타기", "미디엄샷", "한숨", []string{"충전"}, []line{{"커피 수혈 중", "커피 수혈 중이에요"}}},
			},
			roleSpeech: {
				{"회의실에서 말하는 모습", "미디엄샷", "손으로 설명하기", []string{"회의 중"}, []line{{"그래서 결론이 뭐야", "그래서 결론이 뭐예요"}, {"이건 메일로 하자", "이건 메일로 하시죠"}}},
			},
			roleOutro: {
				{"가방 메고 나가는 뒷모습", "풀샷", "문 앞에서 뒤돌아보기", []string{"탈출"}, []line{{"동료 태그하고 퇴근", "동료 태그하고 퇴근하세요"}}},
			},
		},
		props:     []string{"사원증", "노트북", "머그컵"},
		checklist: []string{"실제 회사 로고와 동료 얼굴은 가리기", "대사는 짧게 끊어서", "사무실 소음 줄이기"},
		adaptations: []kmeme.Adaptation{
			{Source: "미국식 재택 회의", Korean: "팀장님 카톡과 회식", Reason: "한국 직장 문화의 대표 장면"},
			{Source: "'boss' 호칭", Korean: "'팀장님'", Reason: "한국 회사의 호칭 체계"},
		},
		tags:       []string{"#직장인", "#직장인공감", "#회사생활", "#퇴근", "#공감"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "storytime", name: "썰 풀기",
		mechanism: "짧은 실화를 빠른 컷과 자막으로 이어 붙여 끝까지 보게 만드는 이야기의 힘",
		hooks:     []string{"이거 실화임", "내가 겪은 제일 황당한 일", "끝까지 들어야 함"},
		titles:    []string{"소개팅 썰", "알바하다 생긴 일", "택배 기사님 썰"},
		mood:      "몰입되는", sound: "말소리를 가리지 않는 작은 앰비언트", wantsTempo: -1, motion: 0.15, cutRate: 0.2,
		keywords: []string{"story", "talk", "speech", "storytime", "썰", "talking"},
		ideas: map[role][]idea{
			roleHook: {
				{"카메라 가까이에서 속삭이는 모습", "클로즈업", "주변을 살피며 말 시작", []string{"실화", "충격"}, []line{{"이거 진짜 실화야", "이거 정말 실화예요"}, {"끝까지 들어 봐", "끝까지 들어 보세요"}}},
			},
			roleSpeech: {
				{"이야기하며 손짓하는 모습", "미디엄샷", "말이 바뀔 때 자세 바꾸기", []string{"그래서", "근데"}, []line{{"근데 거기서 갑자기", "근데 거기서 갑자기요"}, {"내가 뭐라고 했냐면", "제가 뭐라고 했냐면요"}, {"상상도 못 했지", "상상도 못 했죠"}}},
				{"손으로 상황 재연", "클로즈업", "물건으로 위치 설명", []string{"재연"}, []line{{"이렇게 서 있었거든", "이렇게 서 있었거든요"}}},
			},
			roleBuild: {
				{"기억을 떠올리는 표정", "클로즈업", "눈을 감았다 뜨기", []string{"회상"}, []line{{"그날따라 이상했어", "그날따라 이상했어요"}}},
			},
			roleDrop: {
				{"결정적 순간을 말하는 모습", "익스트림 클로즈업", "잠깐 멈췄다가 말하기", []string{"반전", "결정적"}, []line{{"그게 우리 엄마였어", "그게 저희 엄마였어요"}}},
			},
			roleOutro: {
				{"허탈하게 웃는 모습", "미디엄샷", "어깨 으쓱", []string{"결말"}, []line{{"너네도 이런 썰 있어?", "여러분도 이런 경험 있나요?"}, {"2탄은 댓글 보고", "2탄은 댓글 보고 올게요"}}},
			},
		},
		props:     []string{"핀 마이크", "깔끔한 배경"},
		checklist: []string{"외장 마이크로 녹음", "말 사이 숨 쉬는 구간을 컷 포인트로", "자막은 말보다 0.2초 먼저"},
		adaptations: []kmeme.Adaptation{
			{Source: "영어 구어체 이야기", Korean: "'썰 푼다' 말투와 반말 자막", Reason: "한국 숏폼 썰 영상의 관용 문체"},
		},
		tags:       []string{"#썰", "#실화", "#썰풀기", "#storytime", "#공감"},
		difficulty: kmeme.DifficultyEasy,
	},
	{
		id: "pet-dub", name: "반려동물 더빙",
		mechanism: "동물의 표정에 사람 말투 자막을 붙여 엉뚱한 속마음을 상상하게 하는 구조",
		hooks:     []string{"우리 집 고양이 속마음", "강아지가 말을 한다면", "집사 공감 100%"},
		titles:    []string{"고양이 속마음 더빙", "산책 가기 전 강아지", "집사 vs 냥이"},
		mood:      "귀여운", sound: "통통 튀는 우쿨렐레 느낌 비트", wantsTempo: 0, motion: 0.3, cutRate: 0.5,
		bpmLo: 90, bpmHi: 125,
		keywords: []string{"cat", "dog", "pet", "animal", "고양이", "강아지"},
		ideas: map[role][]idea{
			roleHook: {
				{"반려동물이 카메라를 쳐다보는 장면", "클로즈업", "간식 봉지 소리 내기", []string{"속마음", "냥"}, []line{{"집사 또 뭐 해", "집사님 또 뭐 하세요"}}},
			},
			roleBuild: {
				{"반려동물이 다가오는 장면", "로우앵글", "간식을 흔들기", []string{"접근 중"}, []line{{"간식 냄새 난다", "간식 냄새가 나요"}}},
			},
			roleDrop: {
				{"간식을 낚아채는 장면", "클로즈업", "드롭에 맞춰 간식 주기", []string{"냠", "득템"}, []line{{"이건 내 거야", "이건 제 거예요"}}},
			},
			roleBreak: {
				{"배부르게 누운 장면", "탑샷", "배 만지기", []string{"만족"}, []line{{"이제 자야지", "이제 자야겠어요"}}},
			},
			roleOutro: {
				{"반려동물이 하품하는 장면", "클로즈업", "마지막에 눈 감기", []string{"끝", "쿨쿨"}, []line{{"너네 집 애도 보여 줘", "여러분 반려동물도 보여 주세요"}}},
			},
		},
		props:     []string{"간식", "장난감"},
		checklist: []string{"동물이 스트레스받지 않게 짧게 촬영", "눈높이로 낮춰 찍기", "더빙 자막은 말풍선처럼 얼굴 옆에"},
		adaptations: []kmeme.Adaptation{
			{Source: "영어 더빙 목소리", Korean: "'집사' 호칭과 반말 속마음 자막", Reason: "한국 반려인 커뮤니티의 관용 표현"},
		},
		tags:       []string{"#반려동물", "#고양이", "#강아지", "#집사", "#멍스타그램"},
		difficulty: kmeme.DifficultyMedium,
	},
}

// commonAdaptations apply to every plan.
var commonAdaptations = []kmeme.Adaptation{
	{Source: "원본 배경음", Korean: "같은 템포·분위기의 플랫폼 라이브러리 음원", Reason: "원곡이 한국에서 사용 허가됐는지 확인할 수 없음"},
	{Source: "원본 화면 텍스트 스타일", Korean: "굵은 예능 자막(10자 이내)과 대사 자막 분리", Reason: "한국 숏폼 시청자는 예능 자막에 익숙함"},
}

// broadTags are the broad hashtag per platform.
var broadTags = map[kmeme.Platform][]string{
	kmeme.PlatformTikTok: {"#틱톡", "#fyp", "#추천"},
	kmeme.PlatformShorts: {"#Shorts", "#쇼츠", "#유튜브쇼츠"},
	kmeme.PlatformReels:  {"#릴스", "#릴스추천", "#인스타릴스", "#reels"},
}

// moodTags are mid-size tags by mood.
var moodTags = []string{"#밈", "#한국밈", "#웃긴영상", "#숏폼", "#재밌는영상", "#트렌드", "#요즘유행"}

// genericLines are role captions any format can use once its own lines are
// spent, so long plans do not repeat themselves.
var genericLines = map[role][]line{
	roleHook: {
		{"이거 나만 몰랐어?", "이거 저만 몰랐나요?"},
		{"끝까지 봐야 돼", "끝까지 봐 주세요"},
		{"3초 뒤에 반전 있음", "3초 뒤에 반전 있어요"},
	},
	roleBuild: {
		{"분위기 올라오는 중", "분위기 올라오는 중이에요"},
		{"자 이제 시작이야", "자 이제 시작합니다"},
		{"준비됐지? 하나 둘", "준비되셨죠? 하나 둘"},
		{"여기서부터 집중", "여기서부터 집중해 주세요"},
		{"한 번 더 간다", "한 번 더 갑니다"},
	},
	roleDrop: {
		{"지금이야!", "지금이에요!"},
		{"박자 맞춰서 가자", "박자 맞춰서 가요"},
		{"여기서 터짐", "여기서 터져요"},
		{"멈추지 마", "멈추지 마세요"},
		{"텐션 최고조", "텐션 최고조예요"},
		{"이 구간 무한 반복", "이 구간 무한 반복해요"},
	},
	roleBreak: {
		{"잠깐 숨 고르고", "잠깐 숨 고르고요"},
		{"아직 안 끝났어", "아직 안 끝났어요"},
		{"마지막 한 번 더", "마지막 한 번 더요"},
	},
	roleSpeech: {
		{"근데 진짜 이게 맞아?", "근데 정말 이게 맞나요?"},
		{"여기서 끝이 아니야", "여기서 끝이 아니에요"},
		{"잘 들어 봐", "잘 들어 보세요"},
		{"그래서 어떻게 됐냐면", "그래서 어떻게 됐냐면요"},
	},
	roleOutro: {
		{"저장해 두고 따라 해", "저장해 두고 따라 해 보세요"},
		{"2탄 보고 싶으면 팔로우", "2탄이 궁금하면 팔로우해 주세요"},
		{"댓글로 알려 줘", "댓글로 알려 주세요"},
	},
}
